import { Fragment } from 'react';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../shared/highlight';

/** The pieces of a snippet: plain text, and the matches the server wrapped in U+E000 … U+E001. */
export function snippetParts(snippet: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let rest = snippet;
  while (rest.length) {
    const start = rest.indexOf(HIGHLIGHT_START);
    if (start < 0) break;
    const end = rest.indexOf(HIGHLIGHT_END, start + 1);
    if (end < 0) break;
    if (start > 0) parts.push({ text: rest.slice(0, start), match: false });
    parts.push({ text: rest.slice(start + 1, end), match: true });
    rest = rest.slice(end + 1);
  }
  const tail = rest.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '');
  if (tail) parts.push({ text: tail, match: false });
  return parts;
}

/** Renders a snippet with its matches as <mark>, as React text (never as HTML). */
export function Highlighted({ snippet }: { snippet: string }) {
  return (
    <>
      {snippetParts(snippet).map((part, i) =>
        part.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder
          <mark key={i}>{part.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder
          <Fragment key={i}>{part.text}</Fragment>
        ),
      )}
    </>
  );
}
