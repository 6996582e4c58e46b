/**
 * An incremental JSON reader for files too large to hold in memory. Bytes go in a chunk
 * at a time; the reader walks into the containers its handler asks it to descend into
 * and hands every other value over whole, parsed by JSON.parse, with the byte offset
 * where it starts. Memory is bounded by the largest value handed over, not by the file.
 *
 * Only the walked part is read here byte by byte (a few brackets, keys and commas per
 * record); the values themselves are found by skipping to their end (strings with
 * indexOf) and checked by JSON.parse, which says where a bad one goes wrong.
 */

export type JsonPath = ReadonlyArray<string | number>;
export type ContainerKind = 'object' | 'array';

export interface JsonReaderHandler {
  /** Whether to walk the container that starts at `path` (else it comes whole to `value`). */
  descend(path: JsonPath, kind: ContainerKind): boolean;
  open(path: JsonPath, kind: ContainerKind, offset: number): void;
  close(path: JsonPath, kind: ContainerKind): void;
  value(path: JsonPath, value: unknown, offset: number): void;
}

/** The text is not JSON: the first byte (counted from the file's start) that JSON does not allow there. */
export class JsonSyntaxError extends Error {
  constructor(readonly offset: number) {
    super(`not valid JSON at byte ${offset}`);
  }
}

/** A value the reader would have to hold whole is larger than its bound. */
export class JsonValueTooLarge extends Error {
  constructor(
    readonly path: JsonPath,
    readonly offset: number,
    readonly limit: number,
  ) {
    super(`the value at byte ${offset} is larger than ${limit} bytes`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const endsPrimitive = (c: number) => isSpace(c) || c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT;

/** What the walk expects next. */
enum Expect {
  Value,
  ValueOrClose,
  KeyOrClose,
  Key,
  Colon,
  CommaOrClose,
  End,
}

/** What is being skipped to its end and kept: a whole value, or a key of a walked object. */
enum Capture {
  None,
  String,
  Container,
  Primitive,
  Key,
}

interface Frame {
  kind: ContainerKind;
  path: JsonPath;
  key: string;
  index: number;
}

/** Where JSON.parse stopped in `text` (a UTF-16 index), as a count of UTF-8 bytes. */
function parseErrorByte(text: string, error: unknown, fallback: (text: string) => number): number {
  const stated = /at position (\d+)/.exec((error as Error).message)?.[1];
  const index = stated === undefined ? fallback(text) : Number(stated);
  return Buffer.byteLength(text.slice(0, index));
}

export interface JsonReader {
  push(chunk: Buffer): void;
  /** The input has ended: throws if the text stopped inside a value. */
  end(): void;
  /** True until a value has begun (the input was empty or only white space). */
  readonly empty: boolean;
}

/**
 * @param errorIndex where in a text JSON.parse refused the first error is, for the
 *   errors V8 does not place (json-lines' syntaxErrorOffset).
 */
export function jsonReader(
  handler: JsonReaderHandler,
  options: { maxValueBytes: number; errorIndex: (text: string) => number },
): JsonReader {
  const frames: Frame[] = [];
  let expect = Expect.Value;
  let started = false;
  /** Bytes of the chunks before the current one. */
  let consumed = 0;
  let first = true;

  let capture = Capture.None;
  let parts: Buffer[] = [];
  let captured = 0;
  let captureStart = 0;
  let capturePath: JsonPath = [];
  let depth = 0;
  let inString = false;
  /** Backslashes just before the end of the previous chunk, inside a string. */
  let backslashes = 0;

  const pathOfNext = (): JsonPath => {
    const frame = frames[frames.length - 1];
    if (!frame) return [];
    return [...frame.path, frame.kind === 'array' ? frame.index : frame.key];
  };

  /**
   * In a string, from `from`: the index just past its closing quote, or -1 when the chunk
   * ends first (the run of backslashes at its end is carried to the next).
   */
  function stringEnd(chunk: Buffer, from: number): number {
    let start = from;
    for (;;) {
      const quote = chunk.indexOf(QUOTE, start);
      const end = quote === -1 ? chunk.length : quote;
      let run = 0;
      let k = end - 1;
      while (k >= start && chunk[k] === BACKSLASH) {
        run += 1;
        k -= 1;
      }
      if (k < start) run += backslashes;
      if (quote === -1) {
        backslashes = run;
        return -1;
      }
      backslashes = 0;
      if (run % 2 === 0) return quote + 1;
      start = quote + 1;
    }
  }

  function beginCapture(kind: Capture, at: number, path: JsonPath) {
    capture = kind;
    parts = [];
    captured = 0;
    captureStart = consumed + at;
    capturePath = path;
    depth = 0;
    inString = false;
    backslashes = 0;
  }

  function keep(chunk: Buffer, from: number, to: number) {
    if (to <= from) return;
    captured += to - from;
    if (captured > options.maxValueBytes) {
      throw new JsonValueTooLarge(capturePath, captureStart, options.maxValueBytes);
    }
    parts.push(chunk.subarray(from, to));
  }

  function parseCaptured(): unknown {
    const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    parts = [];
    const text = bytes.toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new JsonSyntaxError(captureStart + parseErrorByte(text, error, options.errorIndex));
    }
  }

  /** A value has ended: what may follow it. */
  function afterValue() {
    const frame = frames[frames.length - 1];
    if (!frame) {
      expect = Expect.End;
      return;
    }
    expect = Expect.CommaOrClose;
  }

  function finishCapture() {
    const kind = capture;
    capture = Capture.None;
    const value = parseCaptured();
    if (kind === Capture.Key) {
      const frame = frames[frames.length - 1] as Frame;
      frame.key = value as string;
      expect = Expect.Colon;
      return;
    }
    handler.value(capturePath, value, captureStart);
    afterValue();
  }

  /** Skips the captured value onwards from `i`; the index where the walk resumes. */
  function continueCapture(chunk: Buffer, i: number): number {
    const n = chunk.length;
    if (capture === Capture.Primitive) {
      let j = i;
      while (j < n && !endsPrimitive(chunk[j] as number)) j += 1;
      keep(chunk, i, j);
      if (j < n) finishCapture();
      return j;
    }
    if (capture === Capture.String || capture === Capture.Key) {
      const end = stringEnd(chunk, i);
      keep(chunk, i, end === -1 ? n : end);
      if (end === -1) return n;
      finishCapture();
      return end;
    }
    let j = i;
    while (j < n) {
      if (inString) {
        const end = stringEnd(chunk, j);
        if (end === -1) {
          j = n;
          break;
        }
        inString = false;
        j = end;
        continue;
      }
      const c = chunk[j] as number;
      j += 1;
      if (c === QUOTE) {
        inString = true;
        backslashes = 0;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth += 1;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) {
          keep(chunk, i, j);
          finishCapture();
          return j;
        }
      }
    }
    keep(chunk, i, j);
    return j;
  }

  /** A value starts at `i` (its first byte is not white space). */
  function startValue(chunk: Buffer, i: number): number {
    const c = chunk[i] as number;
    const path = pathOfNext();
    started = true;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const kind: ContainerKind = c === OPEN_OBJECT ? 'object' : 'array';
      if (handler.descend(path, kind)) {
        frames.push({ kind, path, key: '', index: 0 });
        handler.open(path, kind, consumed + i);
        expect = kind === 'object' ? Expect.KeyOrClose : Expect.ValueOrClose;
        return i + 1;
      }
      beginCapture(Capture.Container, i, path);
      return continueCapture(chunk, i);
    }
    if (c === QUOTE) {
      beginCapture(Capture.String, i, path);
      keep(chunk, i, i + 1);
      return continueCapture(chunk, i + 1);
    }
    if (c === COMMA || c === COLON || c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      throw new JsonSyntaxError(consumed + i);
    }
    beginCapture(Capture.Primitive, i, path);
    return continueCapture(chunk, i);
  }

  function closeFrame(c: number, at: number) {
    const frame = frames[frames.length - 1];
    if (!frame || c !== (frame.kind === 'object' ? CLOSE_OBJECT : CLOSE_ARRAY)) {
      throw new JsonSyntaxError(consumed + at);
    }
    frames.pop();
    handler.close(frame.path, frame.kind);
    afterValue();
  }

  function push(input: Buffer) {
    let chunk = input;
    if (first && chunk.length > 0) {
      first = false;
      // A byte order mark is not part of the text.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        consumed += 3;
        chunk = chunk.subarray(3);
      }
    }
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (capture !== Capture.None) {
        i = continueCapture(chunk, i);
        continue;
      }
      const c = chunk[i] as number;
      if (isSpace(c)) {
        i += 1;
        continue;
      }
      switch (expect) {
        case Expect.Value:
          i = startValue(chunk, i);
          break;
        case Expect.ValueOrClose:
          if (c === CLOSE_ARRAY) {
            closeFrame(c, i);
            i += 1;
          } else i = startValue(chunk, i);
          break;
        case Expect.KeyOrClose:
        case Expect.Key:
          if (c === CLOSE_OBJECT && expect === Expect.KeyOrClose) {
            closeFrame(c, i);
            i += 1;
            break;
          }
          if (c !== QUOTE) throw new JsonSyntaxError(consumed + i);
          beginCapture(Capture.Key, i, pathOfNext());
          keep(chunk, i, i + 1);
          i = continueCapture(chunk, i + 1);
          break;
        case Expect.Colon:
          if (c !== COLON) throw new JsonSyntaxError(consumed + i);
          expect = Expect.Value;
          i += 1;
          break;
        case Expect.CommaOrClose: {
          const frame = frames[frames.length - 1] as Frame;
          if (c === COMMA) {
            if (frame.kind === 'array') {
              frame.index += 1;
              expect = Expect.Value;
            } else expect = Expect.Key;
          } else closeFrame(c, i);
          i += 1;
          break;
        }
        case Expect.End:
          throw new JsonSyntaxError(consumed + i);
      }
    }
    consumed += n;
  }

  return {
    push,
    end() {
      if (capture === Capture.Primitive && frames.length === 0) finishCapture();
      if (started && expect !== Expect.End) throw new JsonSyntaxError(consumed);
    },
    get empty() {
      return !started;
    },
  };
}
