import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elementLines, lineAndColumn, syntaxErrorOffset } from '../../src/main/memory/json-lines';

describe('elementLines', () => {
  it('finds where each element of the top-level array starts, whatever its strings hold', () => {
    const text = '[\n  {"a": "[x, {y}]\\"],"},\n  {"b": [1,\n 2]}, 3,\n\n  "s"\n]';
    expect(elementLines(text)).toEqual([2, 3, 4, 6]);
    expect(elementLines('[]')).toEqual([]);
  });

  it('finds the elements of the array under a key of the top-level object', () => {
    const text =
      '{"flows":[\n{"id":"a","sessions":[9]}\n],"x":"sessions","sessions":[\n{"s":1},\n{"s":[2,3]}\n]}';
    expect(elementLines(text, 'sessions')).toEqual([4, 5]);
    expect(elementLines(text, 'flows')).toEqual([2]);
  });

  it('agrees with JSON.stringify(…, null, 2) layouts', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), (items) => {
        const text = JSON.stringify(items, null, 2);
        const lines = text.split('\n');
        const found = elementLines(text);
        expect(found).toHaveLength(items.length);
        for (const [i, line] of found.entries()) {
          const first = JSON.stringify(items[i], null, 2).split('\n')[0] as string;
          expect(lines[line - 1]?.trim().replace(/,$/, '')).toBe(first.trim());
        }
      }),
    );
  });
});

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

  it('lineAndColumn counts from 1', () => {
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('x', 0)).toEqual({ line: 1, column: 1 });
  });
});
