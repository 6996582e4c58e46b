/**
 * Issue 13: Mnemo opens only its own database. Another application's SQLite file (or
 * any file that is not SQLite) named mnemo.db is refused with a message naming it, and
 * left exactly as it was: same bytes, same mtime, no -wal/-shm beside it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, ForeignDatabaseError, openStore } from '../../src/main/store';
import { LATEST_SCHEMA_VERSION, MNEMO_APPLICATION_ID } from '../../src/main/store/migrations';
import { dataDirsRemovedAfterEach } from '../helpers/temp-store';

const dataDir = dataDirsRemovedAfterEach({ create: true });

/** What must not change: each file's bytes and mtime, and which files the dir holds. */
function snapshot(dir: string) {
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      return { name, hash, mtimeMs: fs.statSync(file).mtimeMs, mode: fs.statSync(file).mode };
    });
}

async function expectRefused(dir: string, what: RegExp): Promise<void> {
  const file = path.join(dir, DATABASE_FILE);
  const before = snapshot(dir);
  const opening = openStore({ dataDir: dir });
  await expect(opening).rejects.toBeInstanceOf(ForeignDatabaseError);
  const message = await opening.catch((error: Error) => error.message);
  expect(message).toContain(`${file} is not a Mnemo database`);
  expect(message).toMatch(what);
  expect(message).toContain('Mnemo leaves it unchanged');
  expect(message).toContain('Point --data-dir / MNEMO_DATA_DIR at an empty directory or a Mnemo data dir');
  expect(message).not.toContain('\n');
  expect(snapshot(dir)).toEqual(before);
}

const applicationId = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('application_id', { simple: true });
  } finally {
    db.close();
  }
};

describe('a database that is not Mnemo', () => {
  it("refuses another application's database with a messages table, unchanged", async () => {
    const dir = dataDir();
    const db = new Database(path.join(dir, DATABASE_FILE));
    db.exec(
      "CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO messages (body) VALUES ('hi')",
    );
    db.close();
    await expectRefused(dir, /it holds tables of another application/);
    expect(fs.readdirSync(dir)).toEqual([DATABASE_FILE]);
  });

  it('refuses a database holding any table, also one in WAL mode that counts versions', async () => {
    const dir = dataDir();
    const db = new Database(path.join(dir, DATABASE_FILE));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE notes (text TEXT)');
    db.pragma('user_version = 3');
    db.close();
    expect(fs.readdirSync(dir)).toEqual([DATABASE_FILE]);
    // Deciding this one takes a look at its tables (user_version > 0, as Mnemo's had).
    await expectRefused(dir, /it holds tables of another application/);
    expect(fs.readdirSync(dir)).toEqual([DATABASE_FILE]);
  });

  it('refuses a foreign WAL database whose -wal still holds its tables (after a crash)', async () => {
    const dir = dataDir();
    const source = dataDir();
    const db = new Database(path.join(source, DATABASE_FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE notes (text TEXT)');
    // Copied while open: the tables live only in the -wal, as after a crash.
    for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
      fs.copyFileSync(path.join(source, name), path.join(dir, name));
    }
    db.close();
    await expectRefused(dir, /it holds tables of another application/);
  });

  it("refuses a database marked with another application's id", async () => {
    const dir = dataDir();
    const db = new Database(path.join(dir, DATABASE_FILE));
    db.pragma('application_id = 1234');
    db.close();
    await expectRefused(dir, /application_id 0x000004d2/);
  });

  it('refuses a file that is not SQLite at all', async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, DATABASE_FILE), 'these are my notes, not a database\n'.repeat(20));
    await expectRefused(dir, /it is not a SQLite database/);
    fs.writeFileSync(path.join(dir, DATABASE_FILE), 'short');
    await expectRefused(dir, /it is not a SQLite database/);
  });
});

describe("Mnemo's own databases", () => {
  it('opens a fresh dir and an empty file, and marks the new database as Mnemo', async () => {
    for (const empty of [false, true]) {
      const dir = dataDir();
      if (empty) fs.writeFileSync(path.join(dir, DATABASE_FILE), '');
      const store = await openStore({ dataDir: dir });
      expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      await store.close();
      expect(applicationId(path.join(dir, DATABASE_FILE))).toBe(MNEMO_APPLICATION_ID);
    }
  });

  it('opens an SQLite database with no tables (it holds nothing to lose)', async () => {
    const dir = dataDir();
    const db = new Database(path.join(dir, DATABASE_FILE));
    db.pragma('page_size = 8192');
    db.exec('VACUUM');
    db.close();
    const store = await openStore({ dataDir: dir });
    await store.close();
    expect(applicationId(path.join(dir, DATABASE_FILE))).toBe(MNEMO_APPLICATION_ID);
  });

  it("opens the previous version's database (no mark yet), keeps its data and marks it", async () => {
    const dir = dataDir();
    const file = path.join(dir, DATABASE_FILE);
    let store = await openStore({ dataDir: dir });
    await store.appendMessages('default', 's1', [{ role: 'user', content: 'kept', chatType: 'EXTERNAL' }]);
    await store.close();
    // What an earlier Mnemo left: the same schema, application_id 0.
    const db = new Database(file);
    db.pragma('application_id = 0');
    db.close();
    expect(applicationId(file)).toBe(0);

    store = await openStore({ dataDir: dir });
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const messages = await store.listMessages({ flowId: 'default', sessionId: 's1' }, { order: 'ASC' });
    expect(messages.map((m) => m.content)).toEqual(['kept']);
    await store.close();
    expect(applicationId(file)).toBe(MNEMO_APPLICATION_ID);
  });

  it('opens an unmarked Mnemo database whose -wal holds the latest writes (after a crash)', async () => {
    const dir = dataDir();
    const source = dataDir();
    let store = await openStore({ dataDir: source });
    await store.close();
    const db = new Database(path.join(source, DATABASE_FILE));
    db.pragma('application_id = 0');
    db.pragma('wal_autocheckpoint = 0');
    db.exec(`INSERT INTO settings (key, value) VALUES ('crash', 'survived')`);
    for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
      fs.copyFileSync(path.join(source, name), path.join(dir, name));
    }
    db.close();
    store = await openStore({ dataDir: dir });
    expect(await store.getSetting('crash')).toBe('survived');
    await store.close();
    expect(applicationId(path.join(dir, DATABASE_FILE))).toBe(MNEMO_APPLICATION_ID);
  });
});
