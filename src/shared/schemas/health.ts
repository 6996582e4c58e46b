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

/** What the window's status view shows: where the API listens, and whether it answers. */
export const ServerInfo = z.object({
  apiUrl: z.string(),
  dataDir: z.string(),
});
export type ServerInfo = z.infer<typeof ServerInfo>;
