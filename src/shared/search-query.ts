/**
 * Mnemo's search language, one for the window, GET /api/v1/search and GET /api/v1/sessions?q=
 * (docs/API-NOTES.md "Search text"). Zod-free: the window's first script uses it too.
 *
 * - Words are separated by white space; every word must occur, as a whole word.
 * - "Quoted words" must occur together, in that order, each whole (a phrase).
 * - The last word, when nothing follows it (no space after it, not in quotes), also matches
 *   as the start of a longer word (`asyn` finds `asyncio`), once its last run of letters or
 *   digits is MIN_PREFIX long: a shorter start would name most of the index.
 * - Punctuation and FTS5 operators (AND, NEAR, *, ^, -, :) are plain text; no text is an error.
 */

/** Letters or digits a last word needs before it also matches as the start of a word. */
export const MIN_PREFIX = 3;

export interface SearchTerm {
  /** The word, or the words of a quoted phrase, as typed. */
  text: string;
  /** Quoted: its words in this order. */
  phrase: boolean;
  /** Also matches words that start with it. */
  prefix: boolean;
}

// FTS5 reads a NUL as the end of the query; control characters never belong to a word.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;
const SPACE = /\s/u;
/** The last run of letters and digits a word ends with (nothing when it ends with punctuation). */
const TRAILING_WORD = /[\p{L}\p{N}\p{M}]+$/u;

export function parseSearchText(input: string | undefined): SearchTerm[] {
  const text = (input ?? '').replace(CONTROL_CHARS, ' ');
  const terms: SearchTerm[] = [];
  let i = 0;
  let endsOpenWord = false;
  while (i < text.length) {
    if (SPACE.test(text[i] as string)) {
      i++;
      continue;
    }
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      const end = close === -1 ? text.length : close;
      const words = text.slice(i + 1, end).trim();
      if (words) terms.push({ text: words, phrase: true, prefix: false });
      i = end + 1;
      endsOpenWord = false;
      continue;
    }
    let end = i;
    while (end < text.length && !SPACE.test(text[end] as string)) end++;
    terms.push({ text: text.slice(i, end), phrase: false, prefix: false });
    endsOpenWord = end === text.length;
    i = end;
  }
  const last = terms[terms.length - 1];
  if (last && endsOpenWord) {
    const run = TRAILING_WORD.exec(last.text)?.[0] ?? '';
    last.prefix = [...run].length >= MIN_PREFIX;
  }
  return terms;
}

/** True when the last word is still a start too short to match as one (the window waits for more). */
export function endsWithShortStart(input: string): boolean {
  const terms = parseSearchText(input);
  const last = terms[terms.length - 1];
  if (!last || last.phrase || last.prefix || /\s$/u.test(input)) return false;
  const run = TRAILING_WORD.exec(last.text)?.[0] ?? '';
  return run.length > 0 && [...run].length < MIN_PREFIX;
}

/**
 * The text as an FTS5 query that no input can make a syntax error: each term a quoted
 * string (quotes doubled), a prefix term followed by `*`, all terms required.
 * Undefined when there is no term (blank text).
 */
export function toFtsQuery(input: string | undefined): string | undefined {
  const terms = parseSearchText(input);
  if (terms.length === 0) return undefined;
  return terms.map((t) => `"${t.text.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' ');
}
