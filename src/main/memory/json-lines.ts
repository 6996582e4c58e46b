/**
 * Where things are in a JSON file, for error messages that name a line: the reader
 * (json-reader.ts) knows byte offsets, and JSON.parse does not always say where it failed.
 */
import fs from 'node:fs';

const NEWLINE = 10;

/**
 * The 1-based line and column (in characters) of a byte offset of a file, read from its
 * start a piece at a time (only an error message asks, so the file is read again then).
 */
export async function lineAndColumnInFile(
  file: string,
  offset: number,
): Promise<{ line: number; column: number }> {
  let line = 1;
  let column = 1;
  let position = 0;
  if (offset <= 0) return { line, column };
  const stream = fs.createReadStream(file, { end: offset - 1, highWaterMark: 1024 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) {
      line += 1;
      column = 1;
      from = at + 1;
    }
    // A byte order mark takes no column; UTF-8 continuation bytes (10xxxxxx) are part of a character.
    if (position === 0 && line === 1 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
    for (let i = from; i < chunk.length; i++) if (((chunk[i] as number) & 0xc0) !== 0x80) column += 1;
    position += chunk.length;
  }
  return { line, column };
}

const MAX_DEPTH = 1_000;

/**
 * The offset of the first syntax error in a text JSON.parse refused (V8 names the
 * position for some errors only). A small recursive-descent reader of the JSON grammar.
 */
export function syntaxErrorOffset(text: string): number {
  let i = 0;
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, i)) fail();
    i += word.length;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      const code = text.charCodeAt(i);
      if (Number.isNaN(code) || code < 0x20) fail();
      if (code === 0x22) {
        i++;
        return;
      }
      if (code === 0x5c) {
        i++;
        const escaped = text[i];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i++;
        else fail();
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail();
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (depth: number) => {
    if (depth > MAX_DEPTH) fail();
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] !== close) fail();
        i++;
        return;
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    return number();
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return Math.min(i, text.length);
  }
  return text.length;
}
