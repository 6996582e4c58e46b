import { z } from 'zod';

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  schemaVersion: z.number().int(),
});
export type Health = z.infer<typeof Health>;

export const ApiKeyInfo = z.object({
  apiKey: z.string(),
  /** Set by MNEMO_API_KEY: it cannot be regenerated from here. */
  fromEnv: z.boolean(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** The integrity check of the database run at start (PRAGMA quick_check, in the background). */
export const Integrity = z.object({
  state: z.enum(['checking', 'ok', 'damaged', 'skipped']),
  /** When the check ended (ISO 8601); null while it runs. */
  checkedAt: z.string().nullable(),
  /** What is damaged, or why there was no check; null otherwise. */
  message: z.string().nullable(),
});
export type Integrity = z.infer<typeof Integrity>;

/** Which database holds the data: SQLite in the data dir, or a PostgreSQL server (its URL without the password). */
export const StoreInfo = z.object({
  kind: z.enum(['sqlite', 'postgresql']),
  location: z.string(),
});
export type StoreInfo = z.infer<typeof StoreInfo>;

/** What the window's status view shows: where the API listens, whether it answers, whether the data is sound. */
export const ServerInfo = z.object({
  apiUrl: z.string(),
  dataDir: z.string(),
  integrity: Integrity,
  store: StoreInfo,
});
export type ServerInfo = z.infer<typeof ServerInfo>;
