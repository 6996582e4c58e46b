import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { cut, TITLE_LENGTH } from '../../src/main/store/messages';
import { generateConversations, SEED_WORDS, seedStore } from '../helpers/seed';
import { tempDir } from '../helpers/tmp';

const END = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

describe('the seed generator', () => {
  it('is reproducible: the same options give the same data, another seed other data', () => {
    const options = { seed: 7, sessions: 200, messages: 1_500, flows: 3, days: 30, end: END };
    const a = [...generateConversations(options)];
    const b = [...generateConversations(options)];
    expect(b).toEqual(a);
    const c = [...generateConversations({ ...options, seed: 8 })];
    expect(c.map((x) => x.messages[0]?.content)).not.toEqual(a.map((x) => x.messages[0]?.content));
  });

  it('makes exactly the messages asked for, over the flows and days asked for', () => {
    const options = { seed: 3, sessions: 1_001, messages: 9_999, flows: 4, days: 10, end: END };
    const all = [...generateConversations(options)];
    expect(all).toHaveLength(1_001);
    expect(all.reduce((n, c) => n + c.messages.length, 0)).toBe(9_999);
    expect(new Set(all.map((c) => c.flowId))).toEqual(new Set(['seed-1', 'seed-2', 'seed-3', 'seed-4']));
    const messages = all.flatMap((c) => c.messages);
    expect(Math.min(...all.map((c) => c.messages.length))).toBeGreaterThanOrEqual(1);
    for (const m of messages) {
      expect(m.createdAt).toBeGreaterThanOrEqual(END - 10 * DAY);
      expect(m.createdAt).toBeLessThanOrEqual(END);
    }
    for (const c of all) {
      const times = c.messages.map((m) => m.createdAt ?? 0);
      expect(times).toEqual([...times].sort((x, y) => x - y));
    }
    const ids = messages.map((m) => m.id ?? '');
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)),
    ).toBe(true);
  });

  it('draws common words often and rare words seldom', () => {
    const text = [...generateConversations({ sessions: 500, messages: 5_000, end: END })]
      .flatMap((c) => c.messages.map((m) => m.content))
      .join(' ');
    const count = (word: string) => text.split(/[\s.]+/).filter((w) => w === word).length;
    expect(count(SEED_WORDS[0] as string)).toBeGreaterThan(10 * count(SEED_WORDS[500] as string));
  });
});

describe('seedStore', () => {
  it('inserts the generated conversations through the bulk path, searchable', async () => {
    const tmp = tempDir();
    const store = await openStore({ dataDir: path.join(tmp.dir, 'data') });
    try {
      const options = {
        seed: 5,
        sessions: 2_500,
        messages: 10_000,
        flows: 2,
        days: 5,
        end: END,
        batchSize: 1_000,
      };
      const result = await seedStore(store, options);
      expect(result).toMatchObject({ flowIds: ['seed-1', 'seed-2'], conversations: 2_500, messages: 10_000 });
      expect(await store.countSessions({})).toBe(2_500);
      expect(await store.countSessions({ flowId: 'seed-2' })).toBe(1_250);
      const generated = [...generateConversations(options)];
      const word = SEED_WORDS[0] as string;
      const withWord = generated.filter((c) =>
        c.messages.some((m) => m.content.split(/[\s.]+/).includes(word)),
      );
      // A space after it: the word whole, not as the start of a longer one.
      expect(await store.countSessions({ q: `${word} ` })).toBe(withWord.length);
      const first = generated[0];
      const stored = await store.getSession('seed-1', 'session-0');
      expect(stored?.messageCount).toBe(first?.messages.length);
      expect(stored?.title).toBe(cut(first?.messages[0]?.content ?? '', TITLE_LENGTH));
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
