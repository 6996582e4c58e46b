/**
 * Another process holding a database's write lock, as a second Mnemo (the desktop app
 * and `npm run serve` on one data dir) does during a long write: a child node process
 * runs BEGIN IMMEDIATE, says "locked", sleeps with the lock held, then rolls back.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const SOURCE = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n', () => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[3]));
  db.exec('ROLLBACK');
  db.close();
  process.stdout.write('released\\n');
});
`;

export interface WriteLock {
  child: ChildProcess;
  /** Resolves once the child has given the lock back and exited. */
  released: Promise<void>;
}

/** Resolves once the child holds the lock (it printed "locked"). */
export async function holdWriteLock(dbFile: string, holdMs: number): Promise<WriteLock> {
  const child = spawn(
    process.execPath,
    ['-e', SOURCE, require.resolve('better-sqlite3'), dbFile, String(holdMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const released = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the lock holder exited ${code}: ${err}`)),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked\n')) resolve();
    });
    released.then(() => reject(new Error(`the lock holder ended before locking: ${err}`)), reject);
  });
  return { child, released };
}
