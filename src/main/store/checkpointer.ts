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
import { Worker } from 'node:worker_threads';
import { type Db, nativeBinding } from './database';

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
/** SQLite's own default, restored on the writing connection if the worker stops working. */
const AUTOCHECKPOINT_PAGES = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.module);
let db;
let timer;
function stop() {
  clearInterval(timer);
  if (db && db.open) db.close();
  parentPort.close();
}
try {
  db = new Database(workerData.file, { nativeBinding: workerData.nativeBinding });
  db.pragma('synchronous = NORMAL');
  // A truncating checkpoint holds writers back while it waits for readers: not for long.
  db.pragma('busy_timeout = 100');
  let truncateAfter = 0;
  timer = setInterval(() => {
    try {
      let size = 0;
      try { size = fs.statSync(workerData.file + '-wal').size; } catch {}
      if (size > workerData.limit && Date.now() >= truncateAfter) {
        const [result] = db.pragma('wal_checkpoint(TRUNCATE)');
        // A long reader (an export's snapshot) is in the way: let writers run, try later.
        if (result && result.busy) truncateAfter = Date.now() + workerData.truncateBackoff;
      } else {
        db.pragma('wal_checkpoint(PASSIVE)');
      }
    } catch (error) {
      parentPort.postMessage(String(error));
      stop();
    }
  }, workerData.interval);
  parentPort.on('message', stop);
} catch (error) {
  parentPort.postMessage(String(error));
  stop();
}
`;

export interface Checkpointer {
  /** Stops the worker and waits for its connection to close. */
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      module: require.resolve('better-sqlite3'),
      nativeBinding: nativeBinding(),
      file,
      interval: INTERVAL_MS,
      limit: WAL_LIMIT_BYTES,
      truncateBackoff: TRUNCATE_BACKOFF_MS,
    },
  });
  // It must not keep a process alive that is otherwise done.
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = () => {
    if (!stopping && db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('message', (error: string) => {
    fallBack();
    console.warn(`WAL checkpoints are back on the main thread: ${error}`);
  });
  worker.on('error', fallBack);
  worker.once('exit', fallBack);

  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      // A checkpoint in progress finishes first; a stop must not wait on a stuck disk forever.
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
