/** The store a process's configuration names: PostgreSQL for a `--database-url`, else SQLite in the data dir. */
import { openStore, type Store } from './index';

export async function openConfiguredStore(config: { dataDir: string; databaseUrl?: string }): Promise<Store> {
  return config.databaseUrl
    ? // Loaded only here: the PostgreSQL driver and store are no start-up cost of a SQLite process.
      await (await import('./postgres')).openPgStore({ url: config.databaseUrl })
    : await openStore({ dataDir: config.dataDir });
}

/** Where the data is, for a start-up line: the data dir, or the database without its password. */
export const dataLocation = (store: Store, dataDir: string): string =>
  store.backend.kind === 'postgresql' ? `PostgreSQL ${store.backend.location}` : dataDir;
