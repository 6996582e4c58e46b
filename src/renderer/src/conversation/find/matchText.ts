import { parseSearchText } from '../../../../shared/search-query';

/**
 * Where a search text occurs in rendered text, the way the server's index matches it
 * (SQLite FTS5, unicode61 with diacritics removed): case and Latin diacritics ignored,
 * words are runs of letters and digits, each term matches whole words (its last word as a
 * word start when it is a prefix term), a phrase's words in order with only non-word
 * characters between them. The server says which messages match; this finds the spots to
 * highlight in the text the window shows.
 */

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const WORD_CHAR = /[\p{L}\p{N}]/u;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lower case without combining marks, as FTS5's remove_diacritics folds Latin letters. */
export const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** A text folded, with where each folded character came from in the original. */
function folded(text: string): { text: string; origin: number[] } {
  let out = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    out += f;
    i += ch.length;
  }
  origin.push(i);
  return { text: out, origin };
}

export type TextMatcher = (text: string) => Array<[start: number, end: number]>;

/** A matcher for a search text; undefined when it has no word to find. */
export function textMatcher(search: string): TextMatcher | undefined {
  const patterns = parseSearchText(search).flatMap((term) => {
    const words = fold(term.text).match(WORD) ?? [];
    if (words.length === 0) return [];
    const body = words.map(escapeRegExp).join('[^\\p{L}\\p{N}]+');
    // A word start marks the whole word it starts, as the server's snippets do.
    return [
      `(?<![\\p{L}\\p{N}\\p{M}])${body}${term.prefix ? '[\\p{L}\\p{N}\\p{M}]*' : '(?![\\p{L}\\p{N}\\p{M}])'}`,
    ];
  });
  if (patterns.length === 0) return undefined;
  const pattern = new RegExp(patterns.map((p) => `(?:${p})`).join('|'), 'gu');
  return (text) => {
    if (!WORD_CHAR.test(text)) return [];
    const f = folded(text);
    const spans: Array<[number, number]> = [];
    for (const m of f.text.matchAll(pattern)) {
      const start = f.origin[m.index] ?? 0;
      const end = f.origin[m.index + m[0].length] ?? text.length;
      if (end > start) spans.push([start, end]);
    }
    return spans;
  };
}
