import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Inside Electron the Node build of better-sqlite3 cannot load (another ABI), so the
 * desktop app opens SQLite through the copy that `npm install` built for Electron in
 * .native-electron/ (scripts/postinstall.cjs). Node (tests, headless) uses node_modules.
 */
export function nativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const relative = '.native-electron/better-sqlite3/build/Release/better_sqlite3.node';
  // The bundle may sit in out/main or out/main/chunks: look upward for the project root.
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, relative);
    if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function openDatabase(file: string): Db {
  const db = new Database(file, { nativeBinding: nativeBinding() });
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives the process being killed; a power loss may
  // cost the last transactions since the previous checkpoint (see README).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Temporary tables and indexes (the session list's snippet scratch table, a search's
  // materialized matches) in memory: in a temp file each statement on them made a few
  // system calls, half the cost of a page's snippets.
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * A worker thread running `source` (CommonJS text) that opens the database itself: its
 * workerData holds `module` (better-sqlite3 to require) and `nativeBinding` besides `data`.
 * It does not keep a process alive that is otherwise done.
 */
export function startDatabaseWorker(source: string, data: Record<string, unknown>): Worker {
  const worker = new Worker(source, {
    eval: true,
    workerData: { module: require.resolve('better-sqlite3'), nativeBinding: nativeBinding(), ...data },
  });
  worker.unref();
  return worker;
}
