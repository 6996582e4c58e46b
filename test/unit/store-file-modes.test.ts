/**
 * Issue 13: every file of the store is private to the user (0600) whatever the umask:
 * the database, SQLite's -wal and -shm (which take the database file's mode), and the
 * copies taken before a migration. An earlier version's files are tightened.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openStore } from '../../src/main/store';
import { openDatabase } from '../../src/main/store/database';
import { migrate } from '../../src/main/store/migrations';
import { dataDirsRemovedAfterEach } from '../helpers/temp-store';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const modes = (dir: string) =>
  Object.fromEntries(fs.readdirSync(dir).map((n) => [n, mode(path.join(dir, n))]));

let umask: number;
beforeAll(() => {
  // The usual umask: files SQLite creates on its own come out 0644 under it.
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});

const dataDir = dataDirsRemovedAfterEach();

describe('file modes in the data dir', () => {
  it('creates the database, -wal and -shm 0600 on a fresh start', async () => {
    const dir = dataDir();
    const store = await openStore({ dataDir: dir });
    await store.appendMessages('default', 's', [{ role: 'user', content: 'hello', chatType: 'EXTERNAL' }]);
    expect(modes(dir)).toEqual({
      [DATABASE_FILE]: 0o600,
      [`${DATABASE_FILE}-wal`]: 0o600,
      [`${DATABASE_FILE}-shm`]: 0o600,
    });
    await store.close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, DATABASE_FILE))).toBe(0o600);
  });

  it('takes the backup before a migration 0600, and tightens what an earlier version left 0644', async () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, DATABASE_FILE);
    // A version-2 database as an earlier Mnemo left it: made by SQLite under umask 022.
    const old = openDatabase(file);
    migrate(old, file, 2);
    old.close();
    // An old backup, readable by all, and a version-1 copy that this migration rewrites.
    fs.writeFileSync(`${file}.v1.bak`, 'old backup', { mode: 0o644 });
    fs.writeFileSync(`${file}.v2.bak`, 'stale copy', { mode: 0o644 });
    expect(mode(file)).toBe(0o644);

    const store = await openStore({ dataDir: dir });
    expect(modes(dir)).toEqual({
      [DATABASE_FILE]: 0o600,
      [`${DATABASE_FILE}-wal`]: 0o600,
      [`${DATABASE_FILE}-shm`]: 0o600,
      [`${DATABASE_FILE}.v1.bak`]: 0o600,
      [`${DATABASE_FILE}.v2.bak`]: 0o600,
    });
    // Migration 3 is the first that alters tables: the file was copied aside once before
    // it, the version-2 copy over the stale one.
    expect(fs.readFileSync(`${file}.v2.bak`).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    await store.close();
  });
});
