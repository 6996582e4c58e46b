import { HIGHLIGHT_START } from '../../../shared/highlight';

/*
 * Markdown → plain text for one-line previews. A handful of regular expressions rather than
 * a Markdown parser: it runs in the list's first script for every row. The search marks
 * (U+E000 … U+E001) are ordinary characters to these expressions, so they survive; where a
 * construct would drop text that holds a mark (a link's address, a fence's language) the
 * text is kept.
 */

const keepIfMarked = (dropped: string, kept: string) =>
  dropped.includes(HIGHLIGHT_START) ? `${kept} ${dropped}` : kept;

const RULES: [RegExp, string | ((...groups: string[]) => string)][] = [
  // Code fences: the ``` or ~~~ line goes, the code stays.
  [/^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)$/gm, (_, _fence, info) => keepIfMarked(info, '')],
  // Table separator rows (|---|:--:|).
  [/^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$/gm, ''],
  // Images and links: their text (or alt text) stays.
  [/!?\[([^\]\n]*)\]\(([^)\n]*)\)/g, (_, text, url) => keepIfMarked(url, text)],
  // Autolinks in angle brackets.
  [/<((?:https?:\/\/|mailto:)[^>\s]+)>/gi, '$1'],
  // Headings, block quotes, list and task markers at the start of a line.
  [/^[ \t]*#{1,6}[ \t]+/gm, ''],
  [/^[ \t]*(>[ \t]?)+/gm, ''],
  [/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm, ''],
  // Horizontal rules.
  [/^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$/gm, ''],
  // Emphasis and strikethrough markers; single _ only around a word, so snake_case stays.
  [/(\*\*|__|~~)/g, ''],
  [/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1$2'],
  [/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1$2'],
  // Inline code backticks.
  [/`+/g, ''],
  // Table cell pipes (an escaped \| stays a pipe).
  [/(?<!\\)\|/g, ' '],
  [/\\([\\`*_{}[\]()#+\-.!|~>])/g, '$1'],
];

/** The text a reader sees in `markdown`, on one line: markers removed, whitespace collapsed. */
export function plainText(markdown: string): string {
  let text = markdown;
  for (const [pattern, replacement] of RULES) {
    text = text.replace(pattern, replacement as string);
  }
  return text.replace(/\s+/g, ' ').trim();
}
