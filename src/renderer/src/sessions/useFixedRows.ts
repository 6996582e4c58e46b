import { useCallback, useRef, useState } from 'react';

export interface RowSlot {
  index: number;
  /** Offset from the top of the list, px. */
  start: number;
}

/** Rows in view, before overscan and the count: `from` inclusive, `to` exclusive. */
interface InView {
  from: number;
  to: number;
  height: number;
}

/**
 * A virtualized list of rows of one fixed height: which rows to render for the scroll
 * position. TanStack Virtual, used before, keeps a position per row and rebuilt them all
 * (100,000 for the full list) when the list first filled, reading the layout while doing so:
 * 100 to 150 ms before the first rows could paint. At a fixed height the rows in view are a
 * division. The first render assumes the window's height (the list is never taller), so the
 * rows are in the first paint; a ResizeObserver brings the real height without forcing a layout.
 */
export function useFixedRows(count: number, rowHeight: number, overscan: number) {
  const element = useRef<HTMLElement | null>(null);
  const [inView, setInView] = useState<InView>(() => ({
    from: 0,
    to: Math.ceil(window.innerHeight / rowHeight),
    height: window.innerHeight,
  }));

  const update = useCallback(
    (top: number, height: number) => {
      const from = Math.floor(top / rowHeight);
      const to = Math.ceil((top + height) / rowHeight);
      setInView((v) => (v.from === from && v.to === to && v.height === height ? v : { from, to, height }));
    },
    [rowHeight],
  );

  /** The scrolling element's ref (callback ref: the element comes and goes with the list's states). */
  const ref = useCallback(
    (el: HTMLElement | null) => {
      element.current = el;
      if (!el) return;
      // Kept from the events, not read from the element: a read may force a layout. A new element is at the top.
      let top = 0;
      let height = window.innerHeight;
      const onScroll = () => {
        top = el.scrollTop;
        update(top, height);
      };
      const observer = new ResizeObserver(([entry]) => {
        height = entry?.contentRect.height ?? height;
        update(top, height);
      });
      observer.observe(el);
      el.addEventListener('scroll', onScroll, { passive: true });
      return () => {
        observer.disconnect();
        el.removeEventListener('scroll', onScroll);
        element.current = null;
      };
    },
    [update],
  );

  const first = Math.max(0, Math.min(inView.from, count) - overscan);
  const last = Math.min(count, inView.to + overscan);
  const rows: RowSlot[] = [];
  for (let index = first; index < last; index++) rows.push({ index, start: index * rowHeight });

  /** Scrolls as little as shows the row whole (nothing when it already is). */
  const scrollToIndex = useCallback(
    (index: number) => {
      const el = element.current;
      if (!el) return;
      const top = index * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight)
        el.scrollTop = top + rowHeight - el.clientHeight;
    },
    [rowHeight],
  );
  const scrollToTop = useCallback(() => {
    if (element.current) element.current.scrollTop = 0;
  }, []);

  return {
    ref,
    rows,
    totalHeight: count * rowHeight,
    /** Whole rows that fit in the view. */
    rowsInView: Math.floor(inView.height / rowHeight),
    scrollToIndex,
    scrollToTop,
  };
}
