const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits Markdown into parts of at least `size` characters, only at a blank line outside a
 * code fence that a non-indented line follows (so no list item or fence is cut in two), for
 * rendering a very long message piece by piece.
 */
export function markdownParts(text: string, size: number): string[] {
  const parts: string[] = [];
  let partStart = 0;
  let fence = '';
  let pos = 0;
  while (pos < text.length) {
    const lineEnd = text.indexOf('\n', pos);
    const end = lineEnd < 0 ? text.length : lineEnd;
    const line = text.slice(pos, end);
    const marker = FENCE.exec(line)?.[1];
    if (marker && !fence) fence = marker;
    else if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = '';
    const next = text.charAt(end + 1);
    if (!fence && line.trim() === '' && pos - partStart >= size && next !== '' && !/\s/.test(next)) {
      parts.push(text.slice(partStart, pos));
      partStart = end + 1;
    }
    pos = end + 1;
  }
  if (partStart < text.length) parts.push(text.slice(partStart));
  return parts;
}
