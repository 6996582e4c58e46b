import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../src/main/store/session-filter';
import { endsWithShortStart, parseSearchText } from '../../src/shared/search-query';
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
    expect(toFtsQuery('a "b" NEAR(c')).toBe('"a" "b" "NEAR(c"');
    expect(toFtsQuery('don"t stop')).toBe('"don""t" "stop"*');
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

describe('the search language', () => {
  const fts = (text: string) => toFtsQuery(text);

  it('matches the last word as the start of a word while it is being typed', () => {
    expect(fts('asyn')).toBe('"asyn"*');
    expect(fts('event asyn')).toBe('"event" "asyn"*');
    // A space after it, quotes around it or punctuation at its end: a whole word.
    expect(fts('asyn ')).toBe('"asyn"');
    expect(fts('"asyn"')).toBe('"asyn"');
    expect(fts('"asyn')).toBe('"asyn"');
    expect(fts('asyn.')).toBe('"asyn."');
  });

  it('waits for three letters or digits before a start matches longer words', () => {
    expect(fts('as')).toBe('"as"');
    expect(fts('foo-ba')).toBe('"foo-ba"');
    expect(fts('foo-bar')).toBe('"foo-bar"*');
    expect(fts('東京')).toBe('"東京"');
    expect(fts('東京都')).toBe('"東京都"*');
    expect(endsWithShortStart('as')).toBe(true);
    expect(endsWithShortStart('asyncio ev')).toBe(true);
    expect(endsWithShortStart('asyncio ev ')).toBe(false);
    expect(endsWithShortStart('asy')).toBe(false);
    expect(endsWithShortStart('"as')).toBe(false);
    expect(endsWithShortStart('c++')).toBe(false);
    expect(endsWithShortStart('')).toBe(false);
  });

  it('reads quoted words as one phrase, closed or not', () => {
    expect(parseSearchText('say "event loop" now')).toEqual([
      { text: 'say', phrase: false, prefix: false },
      { text: 'event loop', phrase: true, prefix: false },
      { text: 'now', phrase: false, prefix: true },
    ]);
    expect(parseSearchText('"open phrase')).toEqual([{ text: 'open phrase', phrase: true, prefix: false }]);
    expect(parseSearchText('"" "  "')).toEqual([]);
  });
});
