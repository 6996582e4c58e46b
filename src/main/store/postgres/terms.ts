/**
 * Full text for the PostgreSQL store, cut into words here rather than by PostgreSQL's
 * parser, so it behaves as the SQLite store's FTS5 (unicode61, diacritics removed) does:
 * a word is a run of letters, digits and marks; everything else separates words (an
 * e-mail address is three words, as in FTS5, where PostgreSQL's parser keeps one token);
 * case and diacritics are ignored. The index holds tsvectors built from these words, the
 * queries tsqueries of them, and snippets are cut from the same words.
 */
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../shared/schemas/sessions';
import { parseSearchText } from '../../../shared/search-query';

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const MARKS = /\p{M}/gu;
/** PostgreSQL ignores longer words (bytes) too. */
const MAX_WORD_BYTES = 2046;
/** Words per indexed part: positions stay below tsvector's 16,383, a part's tsvector below 1 MiB. */
const PART_WORDS = 8_000;
/** A tsvector keeps at most 256 positions of one word. */
const MAX_POSITIONS = 255;

export interface Word {
  text: string;
  start: number;
  end: number;
}

export const normalizeWord = (word: string): string => word.normalize('NFD').replace(MARKS, '').toLowerCase();

export function words(text: string): Word[] {
  const found: Word[] = [];
  // Texts repeat words: each distinct one is normalized once.
  const normals = new Map<string, string>();
  for (const match of text.matchAll(WORD)) {
    let normal = normals.get(match[0]);
    if (normal === undefined) {
      normal = normalizeWord(match[0]);
      normals.set(match[0], normal);
    }
    if (normal.length === 0) continue;
    found.push({ text: normal, start: match.index, end: match.index + match[0].length });
  }
  return found;
}

const quote = (word: string) => `'${word}'`;
const fits = (word: string) => Buffer.byteLength(word) <= MAX_WORD_BYTES;

/** A text's tsvectors (as tsvector input text), one per part of PART_WORDS words; none without words. */
export function tsvectorParts(text: string): string[] {
  const all = words(text);
  const parts: string[] = [];
  for (let start = 0; start < all.length; start += PART_WORDS) {
    const positions = new Map<string, number[]>();
    all.slice(start, start + PART_WORDS).forEach((word, i) => {
      if (!fits(word.text)) return;
      const list = positions.get(word.text);
      if (!list) positions.set(word.text, [i + 1]);
      else if (list.length < MAX_POSITIONS) list.push(i + 1);
    });
    parts.push([...positions].map(([word, at]) => `${quote(word)}:${at.join(',')}`).join(' '));
  }
  return parts;
}

/** A title's tsvector input, or null for no title. */
export const titleTerms = (title: string | null | undefined): string | null =>
  title ? tsvectorParts(title).join(' ') : null;

/** One term of a search: its words in order; the last also matches as a word's start when `prefix`. */
export interface SearchPhrase {
  words: string[];
  prefix: boolean;
}

/** The terms of a search text (the language of shared/search-query.ts), as words. */
export interface SearchQuery {
  phrases: SearchPhrase[];
  /** tsquery input: every phrase must match; null when the text has words in no term. */
  tsquery: string | null;
}

const phraseQuery = (p: SearchPhrase) =>
  `(${p.words.map((w, i) => (p.prefix && i === p.words.length - 1 ? `${quote(w)}:*` : quote(w))).join(' <-> ')})`;

/**
 * Undefined for a blank text (no search); a text of symbols only matches nothing (tsquery
 * null). Each term (a word, or a quoted phrase) is the phrase of its words, as FTS5 reads
 * a quoted string; the last term's last word is a prefix when the language says so.
 */
export function searchQuery(text: string | undefined): SearchQuery | undefined {
  const terms = parseSearchText(text);
  if (terms.length === 0) return undefined;
  const phrases = terms
    .map((term) => ({ words: words(term.text).map((w) => w.text), prefix: term.prefix }))
    .filter((phrase) => phrase.words.length > 0 && phrase.words.every(fits));
  const tsquery = phrases.length === 0 ? null : phrases.map(phraseQuery).join(' & ');
  return { phrases, tsquery };
}

/** Whether the text's word `word` is the phrase's word `k` (a start of it for the prefix word). */
const wordMatches = (phrase: SearchPhrase, k: number, word: Word | undefined): boolean => {
  const want = phrase.words[k] as string;
  if (word === undefined) return false;
  return phrase.prefix && k === phrase.words.length - 1 ? word.text.startsWith(want) : word.text === want;
};

const SNIPPET_WORDS = 16;

/**
 * A snippet as FTS5's snippet() gives one: a window of 16 words around the most matches,
 * each phrase match between HIGHLIGHT_START and HIGHLIGHT_END, '…' where text is cut off.
 * Undefined when nothing in the text matches.
 */
export function snippet(text: string, query: SearchQuery): string | undefined {
  const all = words(text);
  const spans: Array<[number, number, number]> = []; // first word, last word, phrase index
  query.phrases.forEach((phrase, p) => {
    const n = phrase.words.length;
    for (let i = 0; i + n <= all.length; i++) {
      if (phrase.words.every((_, k) => wordMatches(phrase, k, all[i + k]))) spans.push([i, i + n - 1, p]);
    }
  });
  if (spans.length === 0) return undefined;
  spans.sort((a, b) => a[0] - b[0]);
  let best = { start: 0, score: -1 };
  for (const [first] of spans) {
    const inside = spans.filter(([s, e]) => s >= first && e < first + SNIPPET_WORDS);
    const score = new Set(inside.map((s) => s[2])).size * 1000 + inside.length;
    if (score > best.score) {
      const last = Math.max(...inside.map((s) => s[1]));
      const pad = Math.floor((SNIPPET_WORDS - (last - first + 1)) / 2);
      const start = Math.max(0, Math.min(first - pad, all.length - SNIPPET_WORDS));
      best = { start, score };
    }
  }
  const endWord = Math.min(all.length, best.start + SNIPPET_WORDS) - 1;
  const from = best.start === 0 ? 0 : (all[best.start] as Word).start;
  const to = endWord === all.length - 1 ? text.length : (all[endWord] as Word).end;
  let out = best.start === 0 ? '' : '…';
  let at = from;
  let open = -1;
  for (const [s, e] of spans.filter(([s, e]) => s >= best.start && e <= endWord)) {
    if (s <= open) continue;
    out += text.slice(at, (all[s] as Word).start) + HIGHLIGHT_START;
    at = (all[s] as Word).start;
    out += text.slice(at, (all[e] as Word).end) + HIGHLIGHT_END;
    at = (all[e] as Word).end;
    open = e;
  }
  out += text.slice(at, to);
  return endWord === all.length - 1 ? out : `${out}…`;
}
