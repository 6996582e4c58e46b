import { shortBusyWait } from './busy-wait';
import type { Db } from './database';
import { asStoreError, storeFault } from './faults';

/** Work that brackets every batch inside its transaction: before its first write, after its last. */
export interface BatchHooks {
  beforeBatch(): void;
  afterBatch(): void;
  /** Before a batch begins, outside its transaction: a write is happening. */
  onBatch?(): void;
}

const NO_HOOKS: BatchHooks = { beforeBatch: () => {}, afterBatch: () => {} };

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** When it was queued (performance.now()): how long it has waited for the lock. */
  queuedAt: number;
}

/** How long one try for the write lock may block the event loop (ms). */
const LOCK_TRY_MS = 10;
/** Between two tries while another process holds the lock; requests are served meanwhile (ms). */
const LOCK_RETRY_PAUSE_MS = 25;
/** A write that has waited this long for the lock fails as busy (SQLite's busy_timeout, ms). */
export const LOCK_GIVE_UP_MS = 5_000;

/**
 * Group commit: every write the store is asked for in one tick of the event loop runs
 * in one SQLite transaction, each in a savepoint of its own so that one failing write
 * does not undo the others. A write's promise settles only after COMMIT, so an
 * acknowledged write is on disk (WAL) before anyone hears of it.
 *
 * Another process (the desktop app and `npm run serve` on one data dir) may hold the
 * write lock for seconds. Waiting for it inside BEGIN would block the event loop for up
 * to busy_timeout, so the queue tries for 10 ms and otherwise tries again from a timer,
 * gathering the writes that arrive meanwhile; a write still waiting after 5 s fails as
 * busy (503). Errors leave as the store's faults (./faults), never raw SQLite errors.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  private readonly briefly;

  constructor(
    private readonly db: Db,
    private readonly hooks: BatchHooks = NO_HOOKS,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT write');
    this.release = db.prepare('RELEASE write');
    this.rollbackTo = db.prepare('ROLLBACK TO write');
    this.briefly = shortBusyWait(db, LOCK_TRY_MS);
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        work,
        resolve: resolve as (v: unknown) => void,
        reject,
        queuedAt: performance.now(),
      });
      if (!this.scheduled && this.retryTimer === undefined) {
        this.scheduled = true;
        setImmediate(() => this.tryBatch());
      }
    });
  }

  /** Runs whatever is queued now, waiting for the lock as long as busy_timeout (used before closing). */
  flush(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.scheduled = false;
    const batch = this.take();
    if (batch.length === 0) return;
    this.hooks.onBatch?.();
    try {
      this.begin.run();
    } catch (error) {
      this.fail(batch, error);
      return;
    }
    this.runBegun(batch);
  }

  private take(): Pending[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  private tryBatch(): void {
    this.scheduled = false;
    this.retryTimer = undefined;
    if (this.pending.length === 0) return;
    this.hooks.onBatch?.();
    try {
      this.briefly(() => this.begin.run());
    } catch (error) {
      if (storeFault(error)?.kind === 'busy') this.waitForLock(error);
      else this.fail(this.take(), error);
      return;
    }
    this.runBegun(this.take());
  }

  /** Fails the writes that have waited long enough; the others try again shortly. */
  private waitForLock(busy: unknown): void {
    const now = performance.now();
    const expired = this.pending.filter((item) => now - item.queuedAt >= LOCK_GIVE_UP_MS);
    this.pending = this.pending.filter((item) => now - item.queuedAt < LOCK_GIVE_UP_MS);
    this.fail(expired, busy);
    if (this.pending.length > 0) this.retryTimer = setTimeout(() => this.tryBatch(), LOCK_RETRY_PAUSE_MS);
  }

  private fail(batch: Pending[], error: unknown): void {
    const converted = asStoreError(error, this.db.name);
    for (const item of batch) item.reject(converted);
  }

  /** Runs a batch inside the transaction just begun, then commits. */
  private runBegun(batch: Pending[]): void {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.hooks.beforeBatch();
      for (const item of batch) {
        this.savepoint.run();
        try {
          outcomes.push({ ok: true, value: item.work() });
          this.release.run();
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.hooks.afterBatch();
      this.commit.run();
    } catch (error) {
      // A full disk may already have rolled the transaction back, or fail the rollback:
      // either way nothing of the batch is kept, and this runs from a timer, so no throw.
      try {
        if (this.db.inTransaction) this.rollback.run();
      } catch {}
      this.fail(batch, error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(asStoreError(outcome?.error, this.db.name));
    });
  }
}
