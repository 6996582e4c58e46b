/**
 * Another process holding a database's write lock, as a second Mnemo (the desktop app
 * and `npm run serve` on one data dir) does during a long write: a child node process
 * opens the database and waits; told to, it runs BEGIN IMMEDIATE, says "locked", sleeps
 * with the lock held, then rolls back. Starting a process takes a second or more on a busy
 * machine, so a test starts the holder first and takes the lock at the moment it needs.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const SOURCE = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
process.stdout.write('ready\\n');
process.stdin.once('data', (line) => {
  db.exec('BEGIN IMMEDIATE');
  process.stdout.write('locked\\n', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(String(line).trim()));
    db.exec('ROLLBACK');
    db.close();
    process.stdout.write('released\\n');
    process.exit(0);
  });
});
`;

export interface WriteLockHolder {
  child: ChildProcess;
  /** Takes the lock for `holdMs`; resolves once it is held. */
  lock(holdMs: number): Promise<void>;
  /** Resolves once the child has given the lock back and exited. */
  released: Promise<void>;
}

/** Resolves once the child has the database open and waits to be told to lock it. */
export async function writeLockHolder(dbFile: string): Promise<WriteLockHolder> {
  const child = spawn(process.execPath, ['-e', SOURCE, require.resolve('better-sqlite3'), dbFile], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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
  const printed = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!out.includes(`${word}\n`)) return;
        child.stdout?.off('data', onData);
        resolve();
      };
      const onData = (d: Buffer) => {
        out += d.toString();
        check();
      };
      child.stdout?.on('data', onData);
      check();
      released.then(() => reject(new Error(`the lock holder ended before "${word}": ${err}`)), reject);
    });
  await printed('ready');
  return {
    child,
    released,
    lock(holdMs) {
      child.stdin?.write(`${holdMs}\n`);
      return printed('locked');
    },
  };
}
