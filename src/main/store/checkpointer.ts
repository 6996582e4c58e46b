/**
 * Checkpoints the WAL on a thread of its own, so the event loop never waits for it.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages: it
 * copies them into the database file and fsyncs it, on the thread that serves HTTP (SPEC
 * 9's append throughput halved when the disk was busy). Here the writing connection has
 * it turned off and a worker with a connection of its own checkpoints instead. A commit
 * is durable once it is in the WAL whoever checkpoints it, and a checkpoint cut short by a
 * crash is finished when the database is next opened, so this changes no promise made to
 * a writer (test/reliability/crash.test.ts).
 */
import { backgroundRetry, FIRST_RETRY_MS, LONGEST_RETRY_MS } from './background-retry';
import { type Db, startDatabaseWorker } from './database';

/** How often the worker copies newly committed WAL frames into the database file. */
const INTERVAL_MS = 250;
/**
 * A passive checkpoint never holds writers back, but under a steady stream of appends it
 * never finds a moment with nothing new to copy, and the WAL restarts from its beginning
 * only then. Past this size the worker truncates it, briefly holding writers back.
 */
const WAL_LIMIT_BYTES = 64 * 1024 * 1024;
/** After a truncating checkpoint found a reader in the way, how long to wait before the next. */
const TRUNCATE_BACKOFF_MS = 5000;
/** How long a stop waits for the worker to close its connection before ending it. */
const STOP_TIMEOUT_MS = 5000;
/** SQLite's own default, on the writing connection while no worker runs (between a crash and its restart). */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The worker keeps its connection and its timer through failures: a checkpoint that
 * fails (a full disk, another process's lock, a damaged page) is reported and tried
 * again after a wait that doubles up to a minute, and the first that works again is
 * reported too. So a full disk costs checkpoints only while it is full.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.module);
let db;
let timer;
let stopped = false;
let failures = 0;
// A worker started after one died says when its first checkpoint works.
let reportSuccess = workerData.failing;
let truncateAfter = 0;
function stop() {
  stopped = true;
  clearTimeout(timer);
  if (db && db.open) db.close();
  parentPort.close();
}
function checkpoint() {
  if (!db) {
    db = new Database(workerData.file, { nativeBinding: workerData.nativeBinding });
    db.pragma('synchronous = NORMAL');
    // A truncating checkpoint holds writers back while it waits for readers: not for long.
    db.pragma('busy_timeout = 100');
  }
  let size = 0;
  try { size = fs.statSync(workerData.file + '-wal').size; } catch {}
  if (size > workerData.limit && Date.now() >= truncateAfter) {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)');
    // A long reader (an export's snapshot) is in the way: let writers run, try later.
    if (result && result.busy) truncateAfter = Date.now() + workerData.truncateBackoff;
  } else {
    db.pragma('wal_checkpoint(PASSIVE)');
  }
}
function tick() {
  let delay = workerData.interval;
  try {
    checkpoint();
    if (failures > 0 || reportSuccess) parentPort.postMessage({ type: 'recovered' });
    failures = 0;
    reportSuccess = false;
  } catch (error) {
    if (db && !db.open) db = undefined;
    failures++;
    delay = Math.min(workerData.firstRetry * 2 ** (failures - 1), workerData.longestRetry);
    parentPort.postMessage({ type: 'failed', error: error instanceof Error ? error.message : String(error), code: error && error.code });
  }
  if (!stopped) timer = setTimeout(tick, delay);
}
parentPort.on('message', stop);
timer = setTimeout(tick, workerData.interval);
`;

type WorkerReport = { type: 'failed'; error: string; code?: string } | { type: 'recovered' };

export interface Checkpointer {
  /** Stops the worker and waits for its connection to close. */
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string): Checkpointer {
  const retry = backgroundRetry('checkpointing the WAL');
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let exited = Promise.resolve();

  function start(): void {
    db.pragma('wal_autocheckpoint = 0');
    const worker = startDatabaseWorker(WORKER_SOURCE, {
      file,
      interval: INTERVAL_MS,
      limit: WAL_LIMIT_BYTES,
      truncateBackoff: TRUNCATE_BACKOFF_MS,
      firstRetry: FIRST_RETRY_MS,
      longestRetry: LONGEST_RETRY_MS,
      failing: retry.failing,
    });
    worker.on('message', (report: WorkerReport) => {
      if (report.type === 'recovered') retry.succeeded();
      else retry.failed(Object.assign(new Error(report.error), { code: report.code }));
    });
    let failure: unknown = new Error('the checkpoint worker stopped');
    worker.on('error', (error) => {
      failure = error;
    });
    exited = new Promise<void>((resolve) =>
      worker.once('exit', () => {
        resolve();
        if (stopping) return;
        // The thread itself died (checkpoint failures do not end it): SQLite checkpoints
        // on the writing connection until a new worker runs.
        if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
        restartTimer = setTimeout(() => {
          if (!stopping && db.open) start();
        }, retry.failed(failure));
        restartTimer.unref();
      }),
    );
    current = worker;
  }
  let current: ReturnType<typeof startDatabaseWorker> | undefined;
  start();

  return {
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const worker = current;
      worker?.postMessage('stop');
      // A checkpoint in progress finishes first; a stop must not wait on a stuck disk forever.
      const timer = setTimeout(() => void worker?.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
