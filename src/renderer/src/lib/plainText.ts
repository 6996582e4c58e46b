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

const CELL = '[ \\t]*:?-{3,}:?[ \\t]*';

/*
 * Previews and search snippets come flattened to one line (the server collapses whitespace),
 * so most rules match anywhere, not only at a line start.
 */
const RULES: [RegExp, string | ((...groups: string[]) => string)][] = [
  // Code fences (``` or ~~~ and the language): the code stays.
  [/(`{3,}|~{3,})([\w+#.-]*)/g, (_, _fence, language) => keepIfMarked(language, '')],
  // Table separator rows (| --- | :---: |).
  [new RegExp(`\\|?(?:${CELL}\\|)+(?:${CELL})?`, 'g'), ' '],
  // Images and links: their text (or alt text) stays.
  [/!?\[([^\]\n]*)\]\(([^)\n]*)\)/g, (_, text, url) => keepIfMarked(url, text)],
  // Autolinks in angle brackets.
  [/<((?:https?:\/\/|mailto:)[^>\s]+)>/gi, '$1'],
  // Task list boxes, headings, horizontal rules.
  [/(^|\s)[-*+][ \t]+\[[ xX]\](?=\s)/g, '$1'],
  [/(^|\s)#{1,6}[ \t]+/g, '$1'],
  [/(^|\s)(?:-{3,}|\*{3,}|_{3,})(?=\s|$)/g, '$1'],
  // Block quotes and list markers at the start of a line.
  [/^[ \t]*(>[ \t]?)+/gm, ''],
  [/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/gm, ''],
  // Emphasis and strikethrough markers; single _ only around a word, so snake_case stays.
  [/(\*\*|__|~~)/g, ''],
  [/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1$2'],
  [/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1$2'],
  // Inline code backticks.
  [/`+/g, ''],
  // Table cell pipes (an escaped \| stays a pipe), then other escapes.
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
