/**
 * The session list's snippets come from a scratch FTS5 table holding only the page
 * (store/page-snippets.ts): each must be exactly what FTS5 gives for that row in the
 * real index (messages_fts for a matching message, titles_fts for a matching title).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openStore, type Store } from '../../src/main/store';
import { SNIPPET_ARGS } from '../../src/main/store/sessions';
import { prng32 } from '../helpers/seed';
import { tempDir } from '../helpers/tmp';

let store: Store;
let file: string;
let cleanup: () => void;

const WORDS = [
  'Café',
  'cafe',
  'naïve',
  'zebra',
  'Zèbre',
  'ZEBRA',
  'apple',
  'tree',
  'hello-world',
  '東京',
  'x',
];
const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.split(' ');

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  const dir = path.join(tmp.dir, 'data');
  file = path.join(dir, DATABASE_FILE);
  store = await openStore({ dataDir: dir });
  const next = prng32(7);
  const pick = <T>(list: readonly T[]) => list[next() % list.length] as T;
  // Long texts with the words anywhere, so that snippets must choose a fragment.
  const text = () =>
    Array.from({ length: 5 + (next() % 60) }, () => (next() % 5 === 0 ? pick(WORDS) : pick(FILLER))).join(
      next() % 2 ? ' ' : ', ',
    );
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j <= next() % 4; j++) {
      await store.appendMessages('default', `s${i}`, [
        { role: j % 2 ? 'assistant' : 'user', content: text(), chatType: 'EXTERNAL', createdAt: i * 100 + j },
      ]);
    }
  }
  // Titles that match where no message does.
  await store.appendMessages('default', 'titled', [
    { role: 'user', content: 'nothing here', chatType: 'EXTERNAL' },
  ]);
  await store.renameSession('default', 'titled', 'A zebra named Café under a tree');
});
afterAll(async () => {
  await store.close();
  cleanup();
});

describe('snippets of the session list', () => {
  it('equal what the real full-text indexes give, row by row', async () => {
    const db = new Database(file, { readonly: true });
    const titleSnippet = db
      .prepare(
        `SELECT snippet(titles_fts, 0, ${SNIPPET_ARGS}) FROM titles_fts WHERE titles_fts MATCH ? AND rowid = CAST(? AS INTEGER)`,
      )
      .pluck();
    try {
      let compared = 0;
      for (const q of [
        'zebra',
        'cafe',
        'naive',
        'tree',
        'hello world',
        '東京',
        'zebra tree',
        'x',
        'hello-world',
      ]) {
        const list = await store.listSessions({ q }, { sort: 'DESC', by: 'updated', limit: 100 });
        expect(list.items.length).toBeGreaterThan(0);
        // The newest matching message of each conversation, snippeted by FTS5 over the real index.
        const newest = new Map<string, string>();
        for (const hit of await store.searchMessages(q, { limit: 200 })) {
          if (!newest.has(hit.sessionId)) newest.set(hit.sessionId, hit.snippet);
        }
        for (const item of list.items) {
          const expected =
            newest.get(item.sessionId) ?? titleSnippet.get(`"${q.split(' ').join('" "')}"`, item.id);
          expect({ q, session: item.sessionId, snippet: item.snippet }).toEqual({
            q,
            session: item.sessionId,
            snippet: expected,
          });
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(50);
    } finally {
      db.close();
    }
  });
});
