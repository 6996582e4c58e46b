import { useEffect } from 'react';
import type { TextMatcher } from './matchText';

/** The CSS highlight names (find.css styles them): every match, and the one the find is at. */
export const FIND_HIGHLIGHT = 'mnemo-find';
export const FIND_CURRENT = 'mnemo-find-current';

/** Rows of the message list carry their message's id (MessageList.tsx). */
export const MESSAGE_ATTRIBUTE = 'data-message-id';

/**
 * Marks every match in the messages the list has on screen, with the CSS Custom Highlight
 * API: the rendered Markdown is never rewritten, and rows the list virtualizes away simply
 * drop out. Rows come and go as the list scrolls, so the marks are redone (once per frame)
 * whenever the list's DOM changes.
 */
export function useFindHighlights(
  scroller: HTMLElement | null,
  matcher: TextMatcher | undefined,
  matchIds: ReadonlySet<string>,
  currentId: string | undefined,
) {
  useEffect(() => {
    if (!scroller || !matcher || typeof CSS === 'undefined' || !('highlights' in CSS)) return;
    const all = new Highlight();
    const current = new Highlight();
    current.priority = 1;
    CSS.highlights.set(FIND_HIGHLIGHT, all);
    CSS.highlights.set(FIND_CURRENT, current);

    const mark = () => {
      all.clear();
      current.clear();
      for (const row of scroller.querySelectorAll<HTMLElement>(`[${MESSAGE_ATTRIBUTE}]`)) {
        const id = row.getAttribute(MESSAGE_ATTRIBUTE) ?? '';
        if (!matchIds.has(id)) continue;
        const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const [start, end] of matcher(node.nodeValue ?? '')) {
            const range = new Range();
            range.setStart(node, start);
            range.setEnd(node, end);
            all.add(range);
            if (id === currentId) current.add(range);
          }
        }
      }
    };
    let frame = 0;
    const observer = new MutationObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(mark);
    });
    observer.observe(scroller, { childList: true, subtree: true, characterData: true });
    mark();
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      CSS.highlights.delete(FIND_HIGHLIGHT);
      CSS.highlights.delete(FIND_CURRENT);
    };
  }, [scroller, matcher, matchIds, currentId]);
}
