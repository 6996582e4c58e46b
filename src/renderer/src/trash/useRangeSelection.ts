import { useCallback, useMemo, useRef, useState } from 'react';

/**
 * Checkbox selection over a list of ids, as file managers do it: a click toggles one row;
 * a shift-click sets every row from the last clicked one to this one to the state the
 * clicked row takes. Ids no longer in the list drop out of the selection.
 */
export function useRangeSelection(ids: readonly number[]) {
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const anchor = useRef<number | undefined>(undefined);

  const selected = useMemo(() => {
    const present = new Set(ids);
    return new Set([...picked].filter((id) => present.has(id)));
  }, [ids, picked]);

  const toggle = useCallback(
    (id: number, shift: boolean) => {
      const index = ids.indexOf(id);
      const from = anchor.current === undefined ? -1 : ids.indexOf(anchor.current);
      const on = !selected.has(id);
      const next = new Set(selected);
      const range = shift && from >= 0 ? ids.slice(Math.min(from, index), Math.max(from, index) + 1) : [id];
      for (const each of range) {
        if (on) next.add(each);
        else next.delete(each);
      }
      anchor.current = id;
      setPicked(next);
    },
    [ids, selected],
  );

  const setAll = useCallback(
    (on: boolean) => {
      anchor.current = undefined;
      setPicked(on ? new Set(ids) : new Set());
    },
    [ids],
  );

  return { selected, toggle, setAll };
}
