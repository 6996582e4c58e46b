import type { Db } from './database';

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
}

/**
 * Group commit: every write the store is asked for in one tick of the event loop runs
 * in one SQLite transaction, each in a savepoint of its own so that one failing write
 * does not undo the others. A write's promise settles only after COMMIT, so an
 * acknowledged write is on disk (WAL) before anyone hears of it.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

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
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs whatever is queued now (used before closing). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.hooks.onBatch?.();
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.begin.run();
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
      if (this.db.inTransaction) this.rollback.run();
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    });
  }
}
