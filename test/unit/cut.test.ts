/**
 * cut() (titles and previews) reads only the start of a long message: it must give
 * exactly what flattening and splitting the whole text would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cut, PREVIEW_LENGTH, TITLE_LENGTH } from '../../src/main/store/messages';

/** The definition: the whole text on one line, cut to n characters (not UTF-16 units). */
function reference(text: string, n: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= n ? flat : `${chars.slice(0, n - 1).join('')}…`;
}

// Whitespace of every kind, astral characters (surrogate pairs), and plain letters.
const piece = fc.oneof(
  fc.constantFrom(' ', '\n', '\t', '\u00a0', '\u2028', '\u3000', '  \n  '),
  fc.constantFrom('😀', '𝄞', '中', 'é', 'e\u0301'),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const text = fc.oneof(
  fc.array(piece, { maxLength: 400 }).map((parts) => parts.join('')),
  // Long runs of whitespace around the point where the prefix is taken.
  fc
    .tuple(fc.nat({ max: 3000 }), fc.array(piece, { maxLength: 200 }), fc.nat({ max: 3000 }))
    .map(([lead, parts, tail]) => `${' '.repeat(lead)}${parts.join('')}${'\n'.repeat(tail)}`),
);

describe('cut', () => {
  it('equals cutting the whole flattened text, for any text and length', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(1, 2, 5, TITLE_LENGTH, PREVIEW_LENGTH), (t, n) => {
        expect(cut(t, n)).toBe(reference(t, n));
      }),
      { numRuns: 2_000 },
    );
  });

  // How fast is for the benchmark (a timed assertion here failed on a busy machine).
  it('cuts a 1 MiB message at a character boundary', () => {
    const big = '😀 word '.repeat(130_000);
    expect(cut(big, PREVIEW_LENGTH)).toBe(reference(big, PREVIEW_LENGTH));
  });
});
