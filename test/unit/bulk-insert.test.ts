import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { tempStoreForEachTest } from '../helpers/temp-store';

const temp = tempStoreForEachTest();

const msg = (content: string, createdAt: number, role: 'user' | 'assistant' = 'user') => ({
  role,
  content,
  createdAt,
  chatType: 'EXTERNAL' as const,
});

/** SQLite's own checks of the file and both full-text indexes against their tables. */
async function integrity(): Promise<void> {
  await temp.store.close();
  const db = new Database(path.join(temp.dir, 'mnemo.db'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    for (const table of ['messages_fts', 'titles_fts']) {
      db.prepare(`INSERT INTO ${table}(${table}, rank) VALUES ('integrity-check', 1)`).run();
    }
    const triggers = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
      .pluck()
      .all();
    expect(triggers).toEqual(expect.arrayContaining(['messages_fts_insert', 'titles_fts_insert']));
  } finally {
    db.close();
  }
  temp.store = await openStore({ dataDir: temp.dir });
}

describe('store.bulkInsert', () => {
  it('derives the fields, indexes the text, and leaves the insert triggers in place', async () => {
    const result = await temp.store.bulkInsert([
      {
        flowId: 'default',
        sessionId: 'a',
        messages: [
          msg('answer first', 2_000, 'assistant'),
          msg('question zebra', 1_000),
          msg('last words', 3_000),
        ],
      },
      { flowId: 'default', sessionId: 'b', title: 'Chosen title', messages: [msg('hello', 5_000)] },
      { flowId: 'default', sessionId: 'empty', messages: [] },
    ]);
    expect(result).toEqual({ conversations: 2, messages: 4 });
    expect(await temp.store.getSession('default', 'a')).toMatchObject({
      title: 'question zebra',
      preview: 'last words',
      messageCount: 3,
      createdAt: 1_000,
      updatedAt: 3_000,
    });
    expect(await temp.store.getSession('default', 'empty')).toBeUndefined();
    expect((await temp.store.searchMessages('zebra', { limit: 5 })).map((h) => h.sessionId)).toEqual(['a']);
    expect(await temp.store.countSessions({ q: 'chosen' })).toBe(1);

    // The triggers are back: an ordinary append is indexed too, and a chosen title stays.
    await temp.store.appendMessages('default', 'b', [
      { role: 'user', content: 'giraffe', chatType: 'EXTERNAL' },
    ]);
    expect((await temp.store.searchMessages('giraffe', { limit: 5 })).map((h) => h.sessionId)).toEqual(['b']);
    expect((await temp.store.getSession('default', 'b'))?.title).toBe('Chosen title');
    await integrity();
  });

  it('stores each message with what it brings, and what an append would default to', async () => {
    const before = Date.now();
    await temp.store.bulkInsert([
      {
        flowId: 'default',
        sessionId: 's',
        messages: [
          {
            id: 'given-id',
            role: 'user',
            content: 'one',
            createdAt: 1_000,
            chatId: 'chat-9',
            chatType: 'EXTERNAL',
            metadata: { source: 'file' },
            importKey: 'key-1',
          },
          { role: 'assistant', content: 'two', chatType: 'INTERNAL', metadata: {} },
        ],
      },
    ]);
    const session = await temp.store.getSession('default', 's');
    const { items } = await temp.store.listSessionMessages(session?.id ?? -1, { limit: 10, maxChars: 100 });
    expect(items[0]).toMatchObject({
      id: 'given-id',
      createdAt: 1_000,
      chatId: 'chat-9',
      chatType: 'EXTERNAL',
      metadata: { source: 'file' },
    });
    expect(items[1]).toMatchObject({ role: 'assistant', chatId: 's', chatType: 'INTERNAL', metadata: null });
    expect(items[1]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(items[1]?.createdAt).toBeGreaterThanOrEqual(before);
    expect(session).toMatchObject({ title: 'one', preview: 'two', createdAt: 1_000 });
    await temp.store.close();
    const db = new Database(path.join(temp.dir, 'mnemo.db'));
    try {
      expect(db.prepare('SELECT import_key FROM messages ORDER BY seq').pluck().all()).toEqual([
        'key-1',
        null,
      ]);
    } finally {
      db.close();
    }
    temp.store = await openStore({ dataDir: temp.dir });
  });

  it('appends to a live conversation with the same key, also within one batch', async () => {
    await temp.store.appendMessages('default', 'x', [
      { role: 'user', content: 'live start', chatType: 'EXTERNAL', createdAt: 10 },
    ]);
    await temp.store.bulkInsert([
      {
        flowId: 'default',
        sessionId: 'x',
        messages: [msg('earlier one', 5), msg('later one', 20, 'assistant')],
      },
      { flowId: 'default', sessionId: 'y', messages: [msg('y first', 1)] },
      { flowId: 'default', sessionId: 'y', messages: [msg('y second', 2, 'assistant')] },
    ]);
    expect(await temp.store.getSession('default', 'x')).toMatchObject({
      title: 'earlier one',
      preview: 'later one',
      messageCount: 3,
      createdAt: 5,
      updatedAt: 20,
    });
    expect(await temp.store.getSession('default', 'y')).toMatchObject({
      messageCount: 2,
      preview: 'y second',
    });
    expect(await temp.store.countSessions({})).toBe(2);
    await integrity();
  });

  it('a failing batch inserts nothing and keeps the triggers', async () => {
    await expect(
      temp.store.bulkInsert([
        { flowId: 'default', sessionId: 'ok', messages: [msg('fine', 1)] },
        { flowId: 'no-such-flow', sessionId: 'bad', messages: [msg('orphan', 1)] },
      ]),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(await temp.store.countSessions({})).toBe(0);
    expect(await temp.store.searchMessages('fine', { limit: 5 })).toEqual([]);
    await integrity();
  });
});

describe('the full-text index of a bulk batch', () => {
  it('is written as one segment, and FTS5 flushes at its default size again afterwards', async () => {
    // About 5 MiB of index: at FTS5's default (1 MiB) the batch would be several segments.
    const words = (i: number) =>
      Array.from({ length: 30 }, (_, k) => `w${(i * 31 + k * 7) % 5_000}`).join(' ');
    await temp.store.bulkInsert(
      Array.from({ length: 2_000 }, (_, i) => ({
        flowId: 'default',
        sessionId: `s${i}`,
        messages: Array.from({ length: 10 }, (_, j) => msg(words(i * 10 + j), i * 100 + j)),
      })),
    );
    await temp.store.close();
    const db = new Database(path.join(temp.dir, 'mnemo.db'));
    try {
      expect(db.prepare('SELECT count(DISTINCT segid) FROM messages_fts_idx').pluck().get()).toBe(1);
      expect(db.prepare("SELECT v FROM messages_fts_config WHERE k = 'hashsize'").pluck().get()).toBe(
        1024 * 1024,
      );
    } finally {
      db.close();
    }
    temp.store = await openStore({ dataDir: temp.dir });
    expect((await temp.store.searchMessages('w7 ', { limit: 5 })).length).toBeGreaterThan(0);
    await integrity();
  });
});
