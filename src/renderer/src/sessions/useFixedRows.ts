import { useCallback, useRef, useState } from 'react';

export interface RowSlot {
  index: number;
  /** Offset from the top of the list, px. */
  start: number;
}

/** Rows in view, before overscan and the count: `from` inclusive, `to` exclusive. */
export interface InView {
  from: number;
  to: number;
  height: number;
}

/** The rows a view of `height` px scrolled to `top` shows, whole or in part. */
export function inViewAt(top: number, height: number, rowHeight: number): InView {
  return { from: Math.floor(top / rowHeight), to: Math.ceil((top + height) / rowHeight), height };
}

/** The rows to render: those in view and `overscan` more on each side, within the list. */
export function rowSlots(inView: InView, count: number, rowHeight: number, overscan: number): RowSlot[] {
  const first = Math.max(0, Math.min(inView.from, count) - overscan);
  const last = Math.min(count, inView.to + overscan);
  const rows: RowSlot[] = [];
  for (let index = first; index < last; index++) rows.push({ index, start: index * rowHeight });
  return rows;
}

/** The scroll position that shows row `index` whole with the least movement (`scrollTop` when it already is). */
export function scrollTopShowing(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewHeight: number,
): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewHeight) return top + rowHeight - viewHeight;
  return scrollTop;
}

/**
 * A virtualized list of rows of one fixed height: which rows to render for the scroll
 * position. TanStack Virtual, used before, keeps a position per row and rebuilt them all
 * (100,000 for the full list) when the list first filled, reading the layout while doing
 * so: 75 to 110 ms of a profiled load before the first rows could paint. At a fixed height
 * the rows in view are a division. The first render assumes the window's height (the list
 * is never taller), so the rows are in the first paint; a ResizeObserver brings the real
 * height without forcing a layout.
 */
export function useFixedRows(count: number, rowHeight: number, overscan: number) {
  const element = useRef<HTMLElement | null>(null);
  const [inView, setInView] = useState<InView>(() => inViewAt(0, window.innerHeight, rowHeight));
  // No overscan in the first paint, only the rows in view: the rows below come with the
  // first size report, a render after that paint and long before any scroll.
  const [measured, setMeasured] = useState(false);

  const update = useCallback(
    (top: number, height: number) => {
      const next = inViewAt(top, height, rowHeight);
      setInView((v) => (v.from === next.from && v.to === next.to && v.height === next.height ? v : next));
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
        setMeasured(true);
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

  const rows = rowSlots(inView, count, rowHeight, measured ? overscan : 0);

  /** Scrolls as little as shows the row whole (nothing when it already is). */
  const scrollToIndex = useCallback(
    (index: number) => {
      const el = element.current;
      if (!el) return;
      const top = scrollTopShowing(index, rowHeight, el.scrollTop, el.clientHeight);
      if (top !== el.scrollTop) el.scrollTop = top;
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
