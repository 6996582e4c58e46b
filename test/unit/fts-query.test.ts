import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../src/main/store/session-filter';
import { tempStoreForFile } from '../helpers/temp-store';

const temp = tempStoreForFile(async (store) => {
  await store.bulkInsert([
    {
      flowId: 'default',
      sessionId: 's',
      messages: [
        { role: 'user', content: 'NEAR(a b) AND "c" d* -e f:g ^h', chatType: 'EXTERNAL', createdAt: 1 },
      ],
    },
  ]);
});

describe('search text as an FTS5 query', () => {
  it('quotes each term and doubles quotes inside it', () => {
    expect(toFtsQuery('a "b" NEAR(c')).toBe('"a" """b""" "NEAR(c"');
    expect(toFtsQuery(' \t\n ')).toBeUndefined();
    expect(toFtsQuery(undefined)).toBeUndefined();
    expect(toFtsQuery('a\u0000b')).toBe('"a" "b"');
  });

  it('no text is a syntax error for FTS5, in the list, its count or search', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (text) => {
        await temp.store.searchMessages(text, { limit: 5 });
        await temp.store.listSessions({ q: text }, { sort: 'DESC', by: 'updated', limit: 5 });
        await temp.store.countSessions({ q: text });
      }),
      { numRuns: 500 },
    );
  });

  it('finds the words of the text literally', async () => {
    for (const text of ['NEAR(a', 'AND', '"c"', 'd*', '-e', 'f:g', '^h', 'near and']) {
      expect(
        (await temp.store.searchMessages(text, { limit: 5 })).map((h) => h.sessionId),
        text,
      ).toEqual(['s']);
    }
  });
});
