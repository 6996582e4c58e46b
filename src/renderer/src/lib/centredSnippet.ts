import { HIGHLIGHT_START } from '../../../shared/highlight';

/** Characters of context a one-line row keeps before its first match (about a fifth of a narrow row). */
export const CONTEXT_BEFORE = 24;

/**
 * A snippet cut so its first match sits near the start of a one-line row: a row clips at
 * its end, and FTS5 may place the match anywhere in the snippet's 16 words. Text before the
 * match beyond `before` characters is dropped at a word boundary, with an ellipsis for it.
 */
export function centredSnippet(snippet: string, before = CONTEXT_BEFORE): string {
  const first = snippet.indexOf(HIGHLIGHT_START);
  if (first <= before) return snippet;
  let cut = first - before;
  // Start at the next word rather than mid-word, when one starts soon enough.
  const space = snippet.slice(cut, first).search(/\s/u);
  if (space >= 0) cut += space + 1;
  return `…${snippet.slice(cut).trimStart()}`;
}
