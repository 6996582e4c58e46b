import type { Db } from './database';

/**
 * Runs work on the connection with its busy wait shortened to `ms`: SQLite waits for
 * another process's lock by sleeping on the calling thread, which here serves every
 * request, so a wait of busy_timeout (5 s) would stall them all. A caller that gets
 * SQLITE_BUSY instead tries again later from a timer.
 *
 * exec, not a prepared statement: PRAGMA busy_timeout takes effect when it is compiled,
 * so a prepared one would set it once (and again whenever the schema changes), not on
 * each run. Both calls together cost about 1.5 µs.
 */
export function shortBusyWait(db: Db, ms: number): <T>(work: () => T) => T {
  const shorten = `PRAGMA busy_timeout = ${ms}`;
  const restore = `PRAGMA busy_timeout = ${db.pragma('busy_timeout', { simple: true }) as number}`;
  return (work) => {
    db.exec(shorten);
    try {
      return work();
    } finally {
      db.exec(restore);
    }
  };
}
