/**
 * The session list with a search text (store/search-list.ts): a word in many messages
 * is found by walking the list, a word in few by reading its matches first, and either
 * way the pages hold exactly the matching conversations, in list order.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SessionFilter, SessionListOptions, Store } from '../../src/main/store';
import {
  LIST_ORDER_MIN,
  LIST_ORDER_SCAN,
  MATCHES_FIRST_LIMIT,
  SET_WALK_LIMIT,
  WALK_ROWS,
} from '../../src/main/store/search-list';
import { generateConversations, SEED_WORDS, seedFlowIds, seedStore } from '../helpers/seed';
import { tempStoreForEachTest } from '../helpers/temp-store';

const DAY = 86_400_000;
const END = Date.UTC(2026, 0, 1);
const SEED = { seed: 5, sessions: 4_000, messages: 40_000, flows: 3, days: 60, end: END };

interface Expected {
  flowId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  order: number;
  words: Set<string>;
  times: number[];
}

/** What the seed stored, recomputed from the generator: each conversation's words and times. */
function expectedConversations(): Expected[] {
  return [...generateConversations(SEED)].map((c, order) => {
    const times = c.messages.map((m) => m.createdAt ?? 0);
    return {
      flowId: c.flowId,
      sessionId: c.sessionId,
      createdAt: Math.min(...times),
      updatedAt: Math.max(...times),
      order,
      words: new Set(c.messages.flatMap((m) => m.content.toLowerCase().split(/[^a-z0-9]+/))),
      times,
    };
  });
}

/** Each conversation's title as stored (from its first message, cut: a cut can end inside a word), as words. */
async function titleWords(store: Store): Promise<Map<string, Set<string>>> {
  const pages = await everyPage(store, {}, { sort: 'DESC', by: 'updated', limit: 1_000 });
  return new Map(
    pages
      .flatMap((page) => page.items)
      .map((s) => [s.sessionId, new Set((s.title ?? '').toLowerCase().split(/[^a-z0-9]+/))]),
  );
}

async function everyPage(store: Store, filter: SessionFilter, options: Omit<SessionListOptions, 'after'>) {
  const pages = [];
  let after: SessionListOptions['after'];
  do {
    const page = await store.listSessions(filter, { ...options, after });
    pages.push(page);
    after = page.next ?? undefined;
  } while (after);
  return pages;
}

describe('the session list with a search text', () => {
  const temp = tempStoreForEachTest();
  let expected: Expected[];
  let titles: Map<string, Set<string>>;
  beforeEach(async () => {
    await seedStore(temp.store, SEED);
    expected = expectedConversations();
    titles = await titleWords(temp.store);
  }, 60_000);

  // [name, word, filter, options, whether its first page is walked]
  const cases: Array<[string, string, SessionFilter, Omit<SessionListOptions, 'after'>, boolean]> = [
    [
      'a common word, newest first',
      SEED_WORDS[0] as string,
      {},
      { sort: 'DESC', by: 'updated', limit: 50 },
      true,
    ],
    [
      'a common word, oldest created first',
      SEED_WORDS[1] as string,
      {},
      { sort: 'ASC', by: 'created', limit: 40 },
      true,
    ],
    [
      'a common word in one flow and 10 days',
      SEED_WORDS[0] as string,
      { flowId: seedFlowIds(3)[1], startDate: END - 20 * DAY, endDate: END - 10 * DAY },
      { sort: 'DESC', by: 'updated', limit: 50 },
      true,
    ],
    ['a rarer word', SEED_WORDS[400] as string, {}, { sort: 'DESC', by: 'updated', limit: 50 }, false],
    // In fewer messages than MATCHES_FIRST_LIMIT but more than LIST_ORDER_MIN conversations:
    // matches first, its pages read from the list index.
    [
      'a word read first in many conversations, newest first',
      SEED_WORDS[38] as string,
      {},
      { sort: 'DESC', by: 'updated', limit: 50 },
      false,
    ],
    [
      'a word read first in many conversations, oldest created first',
      SEED_WORDS[38] as string,
      {},
      { sort: 'ASC', by: 'created', limit: 40 },
      false,
    ],
  ];

  for (const [name, word, filter, options, walks] of cases) {
    it(`${name}: every page together is exactly the matching conversations, in order`, async () => {
      // A space after the word: it matches whole (the last word alone would also match as a start).
      const pages = await everyPage(temp.store, { ...filter, q: `${word} ` }, options);
      const key = (e: { updatedAt: number; createdAt: number }) =>
        options.by === 'updated' ? e.updatedAt : e.createdAt;
      const inRange = (e: Expected) =>
        e.times.some(
          (t) =>
            (filter.startDate === undefined || t >= filter.startDate) &&
            (filter.endDate === undefined || t <= filter.endDate),
        );
      const want = expected
        .filter(
          (e) =>
            (e.words.has(word) || titles.get(e.sessionId)?.has(word)) &&
            (filter.flowId === undefined || e.flowId === filter.flowId) &&
            inRange(e),
        )
        .sort((a, b) => (options.sort === 'ASC' ? 1 : -1) * (key(a) - key(b) || a.order - b.order));
      const got = pages.flatMap((page) => page.items);
      expect(got.map((s) => s.sessionId)).toEqual(want.map((e) => e.sessionId));
      expect(got.every((s) => s.snippet?.includes(word))).toBe(true);

      const first = pages[0];
      const messagesWithWord = [...generateConversations(SEED)]
        .flatMap((c) => c.messages)
        .filter((m) =>
          m.content
            .toLowerCase()
            .split(/[^a-z0-9]+/)
            .includes(word),
        ).length;
      // Many matching messages: the first page was walked and knows only a lower bound, which it says.
      expect(messagesWithWord >= MATCHES_FIRST_LIMIT && want.length > options.limit).toBe(walks);
      if (walks) {
        expect(first?.totalExact).toBe(false);
        expect(first?.total).toBeLessThanOrEqual(want.length);
        expect(first?.total).toBeGreaterThan(first?.items.length ?? 0);
      } else {
        expect(first).toMatchObject({ total: want.length, totalExact: true });
      }
      expect(await temp.store.countSessions({ ...filter, q: `${word} ` })).toBe(want.length);
    });
  }
});

describe('a search word read first in many conversations, some of them in the trash', () => {
  const temp = tempStoreForEachTest();
  const word = SEED_WORDS[38] as string;

  it('pages hold the live ones in list order, and the total counts only them', async () => {
    await seedStore(temp.store, SEED);
    const titles = await titleWords(temp.store);
    const matching = expectedConversations().filter(
      (e) => e.words.has(word) || titles.get(e.sessionId)?.has(word),
    );
    expect(matching.length).toBeGreaterThanOrEqual(LIST_ORDER_MIN);
    const trashed = new Set(matching.filter((_, i) => i % 7 === 0).map((e) => e.sessionId));
    for (const e of matching.filter((m) => trashed.has(m.sessionId))) {
      expect(await temp.store.deleteSession(e.flowId, e.sessionId, { hard: false, now: END })).toBe(true);
    }
    for (const sort of ['DESC', 'ASC'] as const) {
      const pages = await everyPage(temp.store, { q: `${word} ` }, { sort, by: 'updated', limit: 50 });
      const want = matching
        .filter((e) => !trashed.has(e.sessionId))
        .sort((a, b) => (sort === 'ASC' ? 1 : -1) * (a.updatedAt - b.updatedAt || a.order - b.order));
      expect(pages.flatMap((page) => page.items.map((s) => s.sessionId))).toEqual(
        want.map((e) => e.sessionId),
      );
      expect(pages[0]).toMatchObject({ total: want.length, totalExact: true });
    }
  }, 60_000);
});

describe('a search word read first, in many conversations all far down the list', () => {
  const temp = tempStoreForEachTest();

  it(`pages from their rows where ${LIST_ORDER_SCAN} conversations of the list hold too few`, async () => {
    await temp.store.createFlow({ id: 'f', name: 'F', responder: { kind: 'echo' } });
    const count = LIST_ORDER_SCAN + 2_000;
    const marked = LIST_ORDER_MIN + 50;
    const conversations = Array.from({ length: count }, (_, i) => ({
      flowId: 'f',
      sessionId: `s-${i}`,
      messages: [
        {
          role: 'user' as const,
          chatType: 'EXTERNAL' as const,
          createdAt: END - (count - i) * 60_000,
          content: `${i < marked ? 'zyxq' : 'plain'} note ${i}`,
        },
      ],
    }));
    for (let i = 0; i < count; i += 10_000) await temp.store.bulkInsert(conversations.slice(i, i + 10_000));
    const pages = await everyPage(temp.store, { q: 'zyxq ' }, { sort: 'DESC', by: 'updated', limit: 50 });
    expect(pages.flatMap((page) => page.items.map((s) => s.sessionId))).toEqual(
      Array.from({ length: marked }, (_, i) => `s-${marked - 1 - i}`),
    );
    expect(pages[0]).toMatchObject({ total: marked, totalExact: true });
  }, 60_000);
});

describe('a search word in many messages of a few old conversations', () => {
  const temp = tempStoreForEachTest();

  it(`gives up walking after ${WALK_ROWS} conversations and reads the matches first instead`, async () => {
    const flowId = 'f';
    await temp.store.createFlow({ id: flowId, name: 'F', responder: { kind: 'echo' } });
    const message = (content: string, createdAt: number) =>
      ({ role: 'user', content, createdAt, chatType: 'EXTERNAL' }) as const;
    // 10 old conversations hold every "zebra" (more messages than matches first takes)...
    const old = Array.from({ length: 10 }, (_, i) => ({
      flowId,
      sessionId: `old-${i}`,
      messages: Array.from({ length: Math.ceil(MATCHES_FIRST_LIMIT / 10) + 1 }, (_, j) =>
        message(`zebra number ${j}`, END - 100 * DAY + i * 1000 + j),
      ),
    }));
    // ...and more newer ones than a walk reads hold none.
    const recent = Array.from({ length: WALK_ROWS + 100 }, (_, i) => ({
      flowId,
      sessionId: `new-${i}`,
      messages: [message(`lion ${i}`, END - DAY + i)],
    }));
    await temp.store.bulkInsert(old);
    await temp.store.bulkInsert(recent);

    const page = await temp.store.listSessions({ q: 'zebra' }, { sort: 'DESC', by: 'updated', limit: 50 });
    expect(page.items.map((s) => s.sessionId)).toEqual(Array.from({ length: 10 }, (_, i) => `old-${9 - i}`));
    expect(page).toMatchObject({ total: 10, totalExact: true, next: null });
  });
});

describe('a search word in thousands of messages of one conversation in twenty', () => {
  const temp = tempStoreForEachTest();

  // [matching messages per matching conversation, what the walk's later batches are asked against]
  const cases: Array<[number, string]> = [
    [20, `the set of its matches (fewer than ${SET_WALK_LIMIT} messages)`],
    [Math.ceil(SET_WALK_LIMIT / 200) + 1, `FTS5 (${SET_WALK_LIMIT} messages or more)`],
  ];
  for (const [perConversation, how] of cases) {
    it(`pages hold exactly the matching conversations, in order, each snippet from its newest match: ${how}`, async () => {
      const flowId = 'f';
      await temp.store.createFlow({ id: flowId, name: 'F', responder: { kind: 'echo' } });
      const message = (content: string, createdAt: number) =>
        ({ role: 'user', content, createdAt, chatType: 'EXTERNAL' }) as const;
      const start = END - 100 * DAY;
      // Conversation i is active at minute i; one in twenty holds "zebra", in every message
      // but its first; conversation 2,005 has it in its title alone; 2,010 is in the trash.
      const conversations = Array.from({ length: 4_000 }, (_, i) => {
        const holds = i % 20 === 5;
        return {
          flowId,
          sessionId: `c-${i}`,
          ...(i === 2_005 ? { title: 'zebra crossing' } : {}),
          messages: Array.from({ length: holds && i !== 2_005 ? perConversation + 1 : 1 }, (_, j) =>
            message(j === 0 ? `lion ${i}` : `zebra ${i}x${j} here`, start + i * 60_000 + j),
          ),
        };
      });
      await temp.store.bulkInsert(conversations);
      await temp.store.deleteSession(flowId, 'c-2010', { hard: false, now: END });

      const pages = await everyPage(temp.store, { q: 'zebra ' }, { sort: 'DESC', by: 'updated', limit: 50 });
      const want = conversations
        .map((c, i) => ({ id: c.sessionId, i }))
        .filter(({ i }) => i % 20 === 5 && i !== 2_010)
        .reverse();
      const got = pages.flatMap((page) => page.items);
      expect(got.map((s) => s.sessionId)).toEqual(want.map((c) => c.id));
      for (const [k, s] of got.entries()) {
        const i = want[k]?.i as number;
        expect(s.snippet).toContain(i === 2_005 ? 'crossing' : `${i}x${perConversation}`);
      }
      expect(pages[0]).toMatchObject({ totalExact: false });
    });
  }
});
