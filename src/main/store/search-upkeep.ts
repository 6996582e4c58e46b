import { backgroundRetry } from './background-retry';
import { shortBusyWait } from './busy-wait';
import type { Db } from './database';

/** Merging starts once nothing has been written for this long (ms). */
const IDLE_MS = 1_000;
/** Between two merge steps, so requests that arrive meanwhile wait at most one step (ms). */
const STEP_PAUSE_MS = 20;
/** Pages one step writes: about 5 ms here. */
const STEP_PAGES = 64;
/** Segments an index may keep: the big one an import or migration left, and a few small. */
const TARGET_SEGMENTS = 4;
/** How long a step may wait for another process's write lock (ms). */
const LOCK_TRY_MS = 10;

const INDEXES = ['messages_fts', 'titles_fts'] as const;

/**
 * Keeps the full-text indexes in few segments while nothing is written.
 *
 * Every write batch adds a segment to messages_fts, and FTS5 merges them only 16 at a
 * time (automerge), so a burst of appends leaves dozens; each lookup pays for every
 * segment (the session list's search walk: about 85 µs a conversation with 38 segments,
 * 7 µs with 4). Merging harder at each commit made appends 40% slower (docs/PERFORMANCE.md),
 * so the merging waits here until no write has come for a second, then goes in steps of
 * a few milliseconds, each its own transaction, until at most four segments remain.
 * FTS5's `usermerge` (2, migration 8) lets a step merge any two segments of a level.
 * A step runs from a timer, outside the write queue: the queue's batches never stay
 * open across turns of the event loop, and a step must not count as a write itself.
 * A step that fails (a full disk, another process holding the lock) is logged once and
 * retried later: merging is an optimisation, never a reason for the process to exit.
 */
export function searchUpkeep(db: Db) {
  const indexes = INDEXES.map((name) => ({
    segments: db.prepare(`SELECT count(DISTINCT segid) FROM ${name}_idx`).pluck(),
    merge: db.prepare(`INSERT INTO ${name}(${name}, rank) VALUES ('merge', ${STEP_PAGES})`),
  }));
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const briefly = shortBusyWait(db, LOCK_TRY_MS);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastWriteAt = 0;
  const retry = backgroundRetry('merging the search index');

  /** One merge step on the first index over its target; false when none needs one. */
  function step(): boolean {
    if (db.inTransaction) return true;
    for (const index of indexes) {
      if ((index.segments.get() as number) <= TARGET_SEGMENTS) continue;
      const before = totalChanges.get() as number;
      // Another process holding the write lock fails the step at once (retried later)
      // rather than blocking the event loop for busy_timeout.
      briefly(() => db.transaction(() => index.merge.run()).immediate());
      // The command itself counts as one change: more means a merge did work.
      if ((totalChanges.get() as number) - before >= 2) return true;
    }
    return false;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    const quiet = performance.now() - lastWriteAt;
    if (quiet < IDLE_MS) {
      schedule(IDLE_MS - quiet);
      return;
    }
    let more: boolean;
    try {
      more = step();
    } catch (error) {
      schedule(retry.failed(error));
      return;
    }
    retry.succeeded();
    if (more) schedule(STEP_PAUSE_MS);
  }

  return {
    /** A write happened: merge once things are quiet again. */
    wake(): void {
      lastWriteAt = performance.now();
      if (timer === undefined) schedule(IDLE_MS);
    },
    stop(): void {
      stopped = true;
      clearTimeout(timer);
    },
    /** Runs every step now (tests). */
    runNow(): void {
      while (step()) {}
    },
  };
}
