/**
 * The PostgreSQL store: the same MemoryStore as SQLite's, for a memory server several
 * Mnemo processes share (`--database-url` / MNEMO_DATABASE_URL). One pool of prepared
 * statements per process, one transaction per write, versioned migrations under an
 * advisory lock, cross-process change notifications (changes.ts).
 */
import { randomInt } from 'node:crypto';
import { DEFAULT_FLOW_ID } from '../../../shared/schemas/flows';
import type { IntegrityRecord } from '../integrity';
import type { MemoryStore, StoreBackend } from '../memory-store';
import { listenForChanges } from './changes';
import { openDatabase, redactUrl } from './db';
import { ensureFlowIn, flowQueries } from './flows';
import { messageQueries } from './messages';
import { migrate, schemaVersion } from './migrations';
import { checkServerVersion, describeOpenError } from './open-error';
import { searchQueries } from './search';
import { sessionQueries } from './sessions';
import { simMemoryQueries } from './sim-memories';
import { transferQueries } from './transfer';
import { trashQueries } from './trash';

export { isPostgresUrl, redactUrl } from './db';
export { PG_LATEST_SCHEMA_VERSION } from './migrations';

export async function openPgStore(options: { url: string; poolSize?: number }): Promise<MemoryStore> {
  const location = redactUrl(options.url);
  // Random per store: two stores in one process are two origins too.
  const origin = randomInt(1, 2 ** 47);
  const db = openDatabase(options.url, { origin, max: options.poolSize });
  try {
    const server = await db.one<{ num: string; version: string }>(
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version`,
    );
    checkServerVersion(Number(server?.num), server?.version ?? '?', location);
    await migrate(db, location);
    await db.transaction((tx) =>
      ensureFlowIn(tx, { id: DEFAULT_FLOW_ID, name: 'Default', responder: { kind: 'echo' } }),
    );
  } catch (error) {
    await db.end();
    throw describeOpenError(error, options.url, location);
  }
  const changes = await listenForChanges(options.url, origin).catch(async (error) => {
    await db.end();
    throw describeOpenError(error, options.url, location);
  });
  const integrity: IntegrityRecord = {
    state: 'skipped',
    checkedAt: Date.now(),
    message: 'PostgreSQL keeps its own data consistent; there is no database file to check',
  };
  const backend: StoreBackend = { kind: 'postgresql', location };

  // Locks are held on connections of their own for as long as their work runs (a turn
  // waits for a model for seconds): taken from the store's pool they would starve the work.
  const lockPool = openDatabase(options.url, { origin, max: 50 });

  /** Holds an advisory lock (every process on this database respects it) for as long as `work` runs. */
  async function locked<T>(key: string, wait: boolean, work: () => Promise<T>): Promise<T | undefined> {
    const client = await lockPool.connect();
    try {
      if (wait) await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      else {
        const got = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
          [key],
        );
        if (!got.rows[0]?.ok) return undefined;
      }
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      client.release();
    }
  }

  let closed = false;
  return {
    backend,
    schemaVersion: () => schemaVersion(db),
    integrity: () => integrity,
    ...flowQueries(db),
    ...messageQueries(db),
    ...simMemoryQueries(db),
    ...sessionQueries(db),
    ...trashQueries(db),
    ...searchQueries(db),
    ...transferQueries(db),
    readForeignChanges: changes.readForeignChanges,
    exclusive: <T>(key: string, work: () => Promise<T>) => locked(key, true, work) as Promise<T>,
    ifUnlocked: (key, work) => locked(key, false, work),
    close: async () => {
      if (closed) return;
      closed = true;
      await changes.stop();
      await lockPool.end();
      await db.end();
    },
  };
}
