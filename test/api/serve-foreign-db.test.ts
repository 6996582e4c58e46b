/**
 * Issue 13: `npm run serve` pointed at a data dir whose mnemo.db is another
 * application's says so in one line and exits non-zero, leaving the dir as it was
 * (no key file written, no mode changed, the database byte for byte the same).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVE, serveBuilt } from '../helpers/serve-process';
import { tempDir } from '../helpers/tmp';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function runServe(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [SERVE, '--port', '0', '--data-dir', dataDir], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const listing = (dir: string) =>
  fs
    .readdirSync(dir)
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const stat = fs.statSync(file);
      const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      return { name, hash, mode: stat.mode, mtimeMs: stat.mtimeMs };
    });

describe.skipIf(!serveBuilt())('npm run serve over a foreign database', () => {
  it('prints one line naming the file and what to do, exits non-zero, and changes nothing', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const file = path.join(dataDir, 'mnemo.db');
    const db = new Database(file);
    db.exec(
      "CREATE TABLE messages (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO messages (text) VALUES ('x')",
    );
    db.close();
    fs.chmodSync(file, 0o644);
    const before = listing(dataDir);

    const { code, output } = await runServe(dataDir);
    expect(code).not.toBe(0);
    expect(output.trim().split('\n')).toEqual([
      `Mnemo could not start: ${file} is not a Mnemo database (it holds tables of another application); ` +
        'Mnemo leaves it unchanged. Point --data-dir / MNEMO_DATA_DIR at an empty directory or a Mnemo data dir',
    ]);
    expect(listing(dataDir)).toEqual(before);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o755);
  });
});
