import { describe, expect, it } from 'vitest';
import { textMatcher } from '../../src/renderer/src/conversation/find/matchText';

/** The matched pieces of a text, as the conversation's find highlights them. */
const pieces = (search: string, text: string) =>
  (textMatcher(search)?.(text) ?? []).map(([start, end]) => text.slice(start, end));

describe("the conversation find's matches in rendered text", () => {
  it('matches whole words, case and Latin diacritics ignored', () => {
    expect(pieces('cafe ', 'Café, cafeteria and CAFE')).toEqual(['Café', 'CAFE']);
    expect(pieces('zurich creme', 'crème brûlée in Zürich')).toEqual(['crème', 'Zürich']);
  });

  it('marks the whole word a typed start begins, only at word starts', () => {
    expect(pieces('asyn', 'asyncio and unasync, Async')).toEqual(['asyncio', 'Async']);
    expect(pieces('as', 'as asyncio')).toEqual(['as']);
  });

  it('matches a phrase across punctuation and spaces, in order only', () => {
    expect(pieces('"event loop"', 'the event-loop, an event  loop, loop event')).toEqual([
      'event-loop',
      'event  loop',
    ]);
    expect(pieces('task.cancel() ', 'call task.cancel() now')).toEqual(['task.cancel']);
  });

  it('finds Chinese and Japanese runs and other scripts; symbols alone find nothing', () => {
    expect(pieces('東京都', '東京都は大きい')).toEqual(['東京都は大きい']);
    expect(pieces('ελλην', 'Ελληνικά')).toEqual(['Ελληνικά']);
    expect(textMatcher('* " -')).toBeUndefined();
  });
});
