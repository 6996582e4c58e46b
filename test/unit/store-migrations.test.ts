import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openStore } from '../../src/main/store';
import { openDatabase } from '../../src/main/store/database';
import { LATEST_SCHEMA_VERSION, migrate } from '../../src/main/store/migrations';
import { dataDirsRemovedAfterEach } from '../helpers/temp-store';

const dataDir = dataDirsRemovedAfterEach();

describe('opening a fresh data dir', () => {
  it('creates the data dir 0700 and a database at the latest schema with the default flow', async () => {
    const dir = dataDir();
    const store = await openStore({ dataDir: dir });
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect((await store.getFlow('default'))?.name).toBe('Default');
    await store.close();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    // No backup for a database that held nothing before.
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
    const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('keeps the default flow across reopenings without duplicating it', async () => {
    const dir = dataDir();
    await (await openStore({ dataDir: dir })).close();
    const store = await openStore({ dataDir: dir });
    expect((await store.listFlows()).filter((f) => f.id === 'default')).toHaveLength(1);
    await store.close();
  });
});

describe('an existing older database', () => {
  it('migrates to the latest version keeping its data, with a backup taken first', async () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, DATABASE_FILE);
    // A database as version 1 of the schema left it, with a conversation in it.
    const old = openDatabase(file);
    migrate(old, file, 1);
    old.exec(`
      INSERT INTO flows (id, name, created_at, updated_at) VALUES ('default', 'Default', 1, 1), ('notes', 'Notes', 1, 1);
      INSERT INTO conversations (flow_id, session_id, title, preview, message_count, created_at, updated_at)
        VALUES ('notes', 's1', 'hello zebra', 'answer', 2, 1000, 2000);
      INSERT INTO messages (id, conversation_id, role, content, created_at, chat_id, chat_type)
        VALUES ('m1', 1, 'user', 'hello zebra', 1000, 's1', 'EXTERNAL'),
               ('m2', 1, 'assistant', 'answer', 2000, 's1', 'EXTERNAL');
    `);
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.close();

    const store = await openStore({ dataDir: dir });
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const messages = await store.listMessages({ flowId: 'notes', sessionId: 's1' }, { order: 'ASC' });
    expect(messages.map((m) => m.content)).toEqual(['hello zebra', 'answer']);
    await store.close();

    // Version 3 alters the conversations table: the version-2 file was copied aside.
    const backup = path.join(dir, `${DATABASE_FILE}.v2.bak`);
    // One copy for the whole upgrade, however many later migrations alter tables.
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([path.basename(backup)]);
    const copy = new Database(backup, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(2);
    expect(copy.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 2 });
    copy.close();

    // The full-text index was built from the messages that were already there.
    const db = new Database(file, { readonly: true });
    const hit = db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'zebra'").all();
    expect(hit).toHaveLength(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('a version-9 database gets the prefix index (11): starts of words are found, results unchanged', async () => {
    const dir = dataDir();
    const v9 = await openStore({ dataDir: dir });
    await v9.bulkInsert([
      {
        flowId: 'default',
        sessionId: 'py',
        messages: [
          { role: 'user', content: 'Why is my asyncio loop blocked?', chatType: 'EXTERNAL', createdAt: 1 },
          {
            role: 'assistant',
            content: 'Use run_in_executor for the café API',
            chatType: 'EXTERNAL',
            createdAt: 2,
          },
        ],
      },
    ]);
    await v9.close();
    const file = path.join(dir, DATABASE_FILE);
    // Back to what version 9 left: no columns of versions 10 and 12, full-text tables
    // without a prefix index.
    const old = openDatabase(file);
    old.exec(`
      ALTER TABLE flows DROP COLUMN public_embed;
      DROP INDEX conversations_trash_batch;
      DROP INDEX conversations_trashed_flow;
      ALTER TABLE conversations DROP COLUMN trash_batch;
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, fts_conversation, content='messages', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
      DROP TABLE titles_fts;
      CREATE VIRTUAL TABLE titles_fts USING fts5(
        title, content='conversations', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO titles_fts(titles_fts) VALUES ('rebuild');
    `);
    old.pragma('user_version = 9');
    old.close();

    const store = await openStore({ dataDir: dir });
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    for (const q of ['asyn', 'asyncio ', 'cafe', 'run_in', '"asyncio loop"', 'why asyn']) {
      expect((await store.searchMessages(q, { limit: 5 })).length, q).toBeGreaterThan(0);
      expect(
        (await store.listSessions({ q }, { sort: 'DESC', by: 'updated', limit: 5 })).items,
        q,
      ).toHaveLength(1);
    }
    expect(await store.searchMessages('asyn ', { limit: 5 })).toEqual([]);
    await store.close();
    expect(fs.existsSync(path.join(dir, `${DATABASE_FILE}.v9.bak`))).toBe(true);

    const db = new Database(file, { readonly: true });
    const sql = (name: string) =>
      (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;
    expect(sql('messages_fts')).toContain("prefix='3 4'");
    expect(sql('titles_fts')).toContain("prefix='3 4'");
    db.close();
    const check = new Database(file);
    check.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
    check.exec("INSERT INTO titles_fts(titles_fts, rank) VALUES ('integrity-check', 1)");
    check.close();
  });

  it('refuses a database from a newer Mnemo, leaving it untouched', async () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    await expect(openStore({ dataDir: dir })).rejects.toThrow(/newer than this Mnemo understands/);
    const again = new Database(file, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    again.close();
  });

  it('rolls a failing migration back whole', () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, DATABASE_FILE);
    const db = openDatabase(file);
    migrate(db, file, 1);
    // Sabotage: a table that migration 2 is about to create already exists.
    db.exec('CREATE TABLE messages_fts (x)');
    expect(() => migrate(db, file)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'titles_fts'").get()).toEqual({
      n: 0,
    });
    db.close();
  });
});
