import type { Db } from './database';

/**
 * Runs work on the connection with its busy wait shortened to `ms`: SQLite waits for
 * another process's lock by sleeping on the calling thread, which here serves every
 * request, so a wait of busy_timeout (5 s) would stall them all. A caller that gets
 * SQLITE_BUSY instead tries again later from a timer.
 */
export function shortBusyWait(db: Db, ms: number): <T>(work: () => T) => T {
  const normal = db.pragma('busy_timeout', { simple: true }) as number;
  const shorten = db.prepare(`PRAGMA busy_timeout = ${ms}`);
  const restore = db.prepare(`PRAGMA busy_timeout = ${normal}`);
  return (work) => {
    shorten.get();
    try {
      return work();
    } finally {
      restore.get();
    }
  };
}
