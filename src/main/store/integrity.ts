/**
 * A check of the database file at start, on a thread and a connection of its own, so a
 * damaged page is reported before a request or an export runs into it, and start is not
 * slowed: `PRAGMA quick_check` reads every page of every table and index (3.3 s for the
 * 1,000,000-message benchmark database, 490 MB) but skips the cross-checks of
 * integrity_check (15 s there). Until it is done the state is `checking`.
 */
import { startDatabaseWorker } from './database';

export type IntegrityState = 'checking' | 'ok' | 'damaged' | 'skipped';

export interface IntegrityRecord {
  state: IntegrityState;
  /** Epoch ms when the check ended; null while it runs. */
  checkedAt: number | null;
  /** What is wrong (damaged), or why there was no check (skipped). */
  message: string | null;
}

/** How many problems a check lists at most (SQLite stops looking after that many). */
const MAX_PROBLEMS = 10;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.file, { readonly: true, nativeBinding: workerData.nativeBinding });
  const rows = db.pragma('quick_check(' + workerData.maxProblems + ')', { simple: false });
  parentPort.postMessage({ problems: rows.map((row) => String(Object.values(row)[0])) });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message ? error.message : error), code: error && error.code });
} finally {
  if (db && db.open) db.close();
}
`;

type WorkerAnswer = { problems: string[] } | { error: string; code?: string };

/** A database SQLite says is damaged or is not a database at all. */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

export interface IntegrityCheck {
  status(): IntegrityRecord;
  /** Resolves when the check has ended (tests). */
  done: Promise<IntegrityRecord>;
  /** Stops waiting for the check (the store is closing). */
  stop(): void;
}

export function startIntegrityCheck(file: string): IntegrityCheck {
  let record: IntegrityRecord = { state: 'checking', checkedAt: null, message: null };
  let settle: (record: IntegrityRecord) => void = () => {};
  const done = new Promise<IntegrityRecord>((resolve) => {
    settle = resolve;
  });
  const finish = (state: IntegrityState, message: string | null) => {
    if (record.state !== 'checking') return;
    record = { state, checkedAt: Date.now(), message };
    if (state === 'damaged') console.warn(`Integrity check of ${file}: the database is damaged: ${message}`);
    settle(record);
  };

  const worker = startDatabaseWorker(WORKER_SOURCE, { file, maxProblems: MAX_PROBLEMS });
  worker.on('message', (answer: WorkerAnswer) => {
    if ('problems' in answer) {
      const ok = answer.problems.length === 1 && answer.problems[0] === 'ok';
      finish(ok ? 'ok' : 'damaged', ok ? null : answer.problems.join('; '));
    } else if (answer.code !== undefined && DAMAGE_CODES.has(answer.code)) {
      finish('damaged', answer.error);
    } else {
      finish('skipped', `the check could not run: ${answer.error}`);
    }
  });
  worker.on('error', (error) => finish('skipped', `the check could not run: ${error.message}`));
  worker.once('exit', () => finish('skipped', 'the check ended without an answer'));

  return {
    status: () => record,
    done,
    stop() {
      finish('skipped', 'the store closed before the check ended');
      // A check inside SQLite ends on its own; the thread is not waited for.
      void worker.terminate();
    },
  };
}
