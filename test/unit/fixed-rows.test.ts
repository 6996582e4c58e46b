import { describe, expect, it } from 'vitest';
import { inViewAt, rowSlots, scrollTopShowing } from '../../src/renderer/src/sessions/useFixedRows';

const H = 92;

describe('the session list: rows of one height, virtualized', () => {
  it('renders the rows in view and the overscan on each side, within the list', () => {
    // 900 px at the top: rows 0 to 9 (the 10th in part), 10 more below.
    const top = rowSlots(inViewAt(0, 900, H), 100_000, H, 10);
    expect(top.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(top[3]).toEqual({ index: 3, start: 3 * H });

    // Scrolled to row 1,000 and a half: from row 990 to the overscan after the last row shown.
    const middle = rowSlots(inViewAt(1_000 * H + H / 2, 900, H), 100_000, H, 10);
    expect(middle[0]?.index).toBe(990);
    expect(middle.at(-1)?.index).toBe(1_000 + Math.ceil((H / 2 + 900) / H) - 1 + 10);
    expect(middle.every((r) => r.start === r.index * H)).toBe(true);
  });

  it('never renders rows past the end, nor any for an empty list', () => {
    expect(rowSlots(inViewAt(0, 900, H), 3, H, 10).map((r) => r.index)).toEqual([0, 1, 2]);
    expect(rowSlots(inViewAt(0, 900, H), 0, H, 10)).toEqual([]);
    // A list that shrank below the scroll position: its last rows, not nothing.
    expect(rowSlots(inViewAt(50 * H, 900, H), 20, H, 10).map((r) => r.index)).toEqual(
      Array.from({ length: 10 }, (_, i) => 10 + i),
    );
  });

  it('scrolls as little as shows a row whole, and not at all when it already is', () => {
    const view = 900;
    expect(scrollTopShowing(5, H, 0, view)).toBe(0);
    // Row 9 ends at 920 px, below a 900 px view at the top: 20 px down.
    expect(scrollTopShowing(9, H, 0, view)).toBe(10 * H - view);
    // Above the view: its top at the view's top.
    expect(scrollTopShowing(3, H, 10 * H, view)).toBe(3 * H);
    expect(scrollTopShowing(99_999, H, 0, view)).toBe(100_000 * H - view);
  });
});
