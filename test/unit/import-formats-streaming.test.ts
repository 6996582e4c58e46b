import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImportSink, importChecker, importReader } from '../../src/main/memory/import-formats';
import { spoolUpload } from '../../src/main/memory/import-spool';
import { syntaxErrorOffset } from '../../src/main/memory/json-lines';
import { type JsonPath, JsonSyntaxError, jsonReader } from '../../src/main/memory/json-reader';
import { tempDir } from '../helpers/tmp';

/** Reads `text` in pieces cut at `cuts`, walking every container: each value's path and value. */
function readAll(text: string, cuts: number[]): Array<[JsonPath, unknown]> {
  const found: Array<[JsonPath, unknown]> = [];
  const reader = jsonReader(
    { descend: () => true, open: () => {}, close: () => {}, value: (p, v) => void found.push([p, v]) },
    { maxValueBytes: 1024 * 1024, errorIndex: syntaxErrorOffset },
  );
  const bytes = Buffer.from(text);
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    reader.push(bytes.subarray(from, cut));
    from = cut;
  }
  reader.push(bytes.subarray(from));
  reader.end();
  return found;
}

/** The same, from JSON.parse: every leaf (and empty container) with its path. */
function leaves(value: unknown, at: Array<string | number> = []): Array<[JsonPath, unknown]> {
  if (typeof value !== 'object' || value === null) return [[at, value]];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  if (entries.length === 0) return [];
  return entries.flatMap(([k, v]) => leaves(v, [...at, k]));
}

describe('the JSON reader', () => {
  it('finds what JSON.parse finds, however the text is cut into pieces (escapes, backslashes, multi-byte characters)', () => {
    const string = fc.string({ unit: fc.constantFrom('a', '\\', '"', 'é', '😀', '\n', ' ', '}', ']', ',') });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        string,
        fc.integer(),
        fc.constant(null),
        tie('array'),
        tie('object'),
      ),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(string, tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(
      fc.property(json, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (value, cuts, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        // Dictionaries may repeat a key through JSON; compare what the text says.
        expect(readAll(text, cuts)).toEqual(leaves(JSON.parse(text)));
      }),
    );
  });

  it('refuses what JSON refuses, at the byte where it goes wrong', () => {
    for (const [text, offset] of [
      ['[1, 2,]', 6],
      ['{"a" 1}', 5],
      ['[1] x', 4],
      ['{"a": tru}', 6],
      ['[{"é": "\\q"}]', 10],
      ['{"a": 1', 7],
    ] as const) {
      let error: unknown;
      try {
        readAll(text, []);
      } catch (caught) {
        error = caught;
      }
      expect(error, text).toBeInstanceOf(JsonSyntaxError);
      expect((error as JsonSyntaxError).offset, text).toBe(offset);
    }
  });
});

describe('an import read in two passes', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  /** The checker gets the text in pieces of `piece` characters: 7 by default, so values cross them. */
  async function run(text: string, piece = 7) {
    const file = path.join(tmp.dir, 'upload.json');
    fs.writeFileSync(file, text);
    const options = { now: 1_000 };
    const checker = importChecker(options);
    for (let i = 0; i < text.length; i += piece) checker.push(Buffer.from(text.slice(i, i + piece)));
    const checked = await checker.finish(file);
    const messages: Array<{ session: string; content: string }> = [];
    const sink: ImportSink = {
      flow: () => {},
      message: (key, m) =>
        void messages.push({ session: `${key.flowId}/${key.sessionId}`, content: m.content }),
    };
    const reader = importReader(checked, options, sink);
    reader.push(Buffer.from(text));
    reader.end();
    return { checked, messages };
  }

  it('reads a record whose own fields come after its messages', async () => {
    const text = JSON.stringify([
      { data: [{ role: 'user', content: 'one' }], conversationId: 'late', blockId: 'blk' },
      { conversationId: 'c2', data: [{ role: 'user', content: 'x' }] },
    ]);
    const { checked, messages } = await run(text);
    expect(checked.format).toBe('sim');
    expect(messages).toEqual([
      { session: 'blk/late', content: 'one' },
      { session: 'default/c2', content: 'x' },
    ]);
  });

  it('refuses a single value larger than it holds at once with a 413 naming the record', async () => {
    const big = 'x'.repeat(65 * 1024 * 1024);
    const text = `[{"conversationId": "c", "data": [{"role": "user", "content": "${big}"}]}]`;
    // In 64 KiB pieces, as an upload arrives: 7-character ones would be 10 million pushes.
    await expect(run(text, 64 * 1024)).rejects.toMatchObject({
      statusCode: 413,
      message:
        'record 0 (line 1), field "data.0": is larger than the 64 MiB an import holds at once; nothing was imported',
    });
  });
});

describe('the upload kept on disk', () => {
  it('stops past the limit with a 413 and leaves no file behind', async () => {
    const tmp = tempDir();
    try {
      async function* body() {
        for (let i = 0; i < 10; i++) yield Buffer.alloc(1024, 32);
      }
      await expect(
        spoolUpload(tmp.dir, body(), { maxBytes: 4096, onChunk: () => true }),
      ).rejects.toMatchObject({
        statusCode: 413,
      });
      expect(fs.readdirSync(tmp.dir)).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });
});
