import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store';
import { tempDir } from '../helpers/tmp';

let store: Store;
let dir: string;
let cleanup: () => void;
beforeEach(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  dir = path.join(tmp.dir, 'data');
  store = await openStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  cleanup();
});

const msg = (content: string, createdAt: number, role: 'user' | 'assistant' = 'user') => ({
  role,
  content,
  createdAt,
  chatType: 'EXTERNAL' as const,
});

/** SQLite's own checks of the file and both full-text indexes against their tables. */
async function integrity(): Promise<void> {
  await store.close();
  const db = new Database(path.join(dir, 'mnemo.db'));
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
  store = await openStore({ dataDir: dir });
}

describe('store.bulkInsert', () => {
  it('derives the fields, indexes the text, and leaves the insert triggers in place', async () => {
    const result = await store.bulkInsert([
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
    expect(await store.getSession('default', 'a')).toMatchObject({
      title: 'question zebra',
      preview: 'last words',
      messageCount: 3,
      createdAt: 1_000,
      updatedAt: 3_000,
    });
    expect(await store.getSession('default', 'empty')).toBeUndefined();
    expect((await store.searchMessages('zebra', { limit: 5 })).map((h) => h.sessionId)).toEqual(['a']);
    expect(await store.countSessions({ q: 'chosen' })).toBe(1);

    // The triggers are back: an ordinary append is indexed too, and a chosen title stays.
    await store.appendMessages('default', 'b', [{ role: 'user', content: 'giraffe', chatType: 'EXTERNAL' }]);
    expect((await store.searchMessages('giraffe', { limit: 5 })).map((h) => h.sessionId)).toEqual(['b']);
    expect((await store.getSession('default', 'b'))?.title).toBe('Chosen title');
    await integrity();
  });

  it('appends to a live conversation with the same key, also within one batch', async () => {
    await store.appendMessages('default', 'x', [
      { role: 'user', content: 'live start', chatType: 'EXTERNAL', createdAt: 10 },
    ]);
    await store.bulkInsert([
      {
        flowId: 'default',
        sessionId: 'x',
        messages: [msg('earlier one', 5), msg('later one', 20, 'assistant')],
      },
      { flowId: 'default', sessionId: 'y', messages: [msg('y first', 1)] },
      { flowId: 'default', sessionId: 'y', messages: [msg('y second', 2, 'assistant')] },
    ]);
    expect(await store.getSession('default', 'x')).toMatchObject({
      title: 'earlier one',
      preview: 'later one',
      messageCount: 3,
      createdAt: 5,
      updatedAt: 20,
    });
    expect(await store.getSession('default', 'y')).toMatchObject({ messageCount: 2, preview: 'y second' });
    expect(await store.countSessions({})).toBe(2);
    await integrity();
  });

  it('a failing batch inserts nothing and keeps the triggers', async () => {
    await expect(
      store.bulkInsert([
        { flowId: 'default', sessionId: 'ok', messages: [msg('fine', 1)] },
        { flowId: 'no-such-flow', sessionId: 'bad', messages: [msg('orphan', 1)] },
      ]),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(await store.countSessions({})).toBe(0);
    expect(await store.searchMessages('fine', { limit: 5 })).toEqual([]);
    await integrity();
  });
});
