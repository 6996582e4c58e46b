/**
 * Where things are in a JSON text, for error messages that name a line: JSON.parse
 * says neither where a record starts nor (always) where it failed in lines.
 */

/**
 * The 1-based line on which each element of an array starts: the top-level array, or
 * (with `key`) the array under that key of the top-level object. One pass, no parsing.
 */
export function elementLines(text: string, key?: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = 0;
  let lastString = '';
  let lastKey: string | undefined;
  let targetDepth = key === undefined ? 1 : -1;
  let awaitingElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line += 1;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') {
        inString = false;
        if (depth === 1) lastString = text.slice(stringStart, i);
      }
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue;
    if (awaitingElement && depth === targetDepth && ch !== ']') {
      lines.push(line);
      awaitingElement = false;
    }
    switch (ch) {
      case '"':
        inString = true;
        stringStart = i + 1;
        break;
      case ':':
        if (depth === 1) lastKey = lastString;
        break;
      case '[':
        if (key !== undefined && depth === 1 && lastKey === key) targetDepth = 2;
        depth += 1;
        if (depth === targetDepth) awaitingElement = true;
        break;
      case '{':
        depth += 1;
        break;
      case ']':
      case '}':
        if (depth === targetDepth && ch === ']') {
          if (key === undefined) return lines;
          targetDepth = -1;
        }
        depth -= 1;
        break;
      case ',':
        if (depth === targetDepth) awaitingElement = true;
        break;
    }
  }
  return lines;
}

/** The 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
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
