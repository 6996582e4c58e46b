import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineAndColumnInFile, syntaxErrorOffset } from '../../src/main/memory/json-lines';
import { tempDir } from '../helpers/tmp';

describe('syntaxErrorOffset', () => {
  it('points at the first character JSON does not allow', () => {
    for (const [text, offset] of [
      ['{"a": tru}', 6],
      ['[1, 2,]', 6],
      ['{"a" 1}', 5],
      ['"unterminated', 13],
      ['[1] x', 4],
      ['{"a": "\\q"}', 8],
      ['', 0],
    ] as const) {
      expect(() => JSON.parse(text)).toThrow();
      expect(syntaxErrorOffset(text), text).toBe(offset);
    }
  });

  it('finds no error in valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(syntaxErrorOffset(text)).toBe(text.length);
      }),
    );
  });
});

describe('lineAndColumnInFile', () => {
  it('counts lines and characters (not bytes) from 1, a byte order mark taking no column', async () => {
    const tmp = tempDir();
    try {
      const at = async (text: string, offset: number) => {
        const file = path.join(tmp.dir, 'f.json');
        fs.writeFileSync(file, text);
        return lineAndColumnInFile(file, offset);
      };
      expect(await at('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
      expect(await at('x', 0)).toEqual({ line: 1, column: 1 });
      // "é" is two bytes, one character: the "x" after it is the 7th character.
      expect(await at('["é", x]', Buffer.byteLength('["é", '))).toEqual({ line: 1, column: 7 });
      expect(await at('\uFEFF[x]', 4)).toEqual({ line: 1, column: 2 });
    } finally {
      tmp.cleanup();
    }
  });
});
