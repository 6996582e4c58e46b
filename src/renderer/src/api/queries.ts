import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { SessionList } from '../../../shared/schemas/sessions';

/** Every query key of the window in one place, so live updates invalidate the right ones. */
export const queryKeys = {
  flows: ['flows'] as const,
  sessionsAll: ['sessions'] as const,
  sessions: (filter: object) => ['sessions', filter] as const,
  sessionAll: ['session'] as const,
  session: (flowId: string, sessionId: string) => ['session', flowId, sessionId] as const,
  trash: ['trash'] as const,
  settings: ['settings'] as const,
  apiKey: ['apiKey'] as const,
  serverInfo: ['serverInfo'] as const,
};

/** The list pages: a small first page for a fast first paint, then bigger ones. */
export const FIRST_PAGE = 100;
export const NEXT_PAGE = 500;

/** How far down the session list a person has scrolled (rows), kept by the list itself. */
let rowsInView = FIRST_PAGE;
export function noteRowsInView(rows: number): void {
  rowsInView = rows;
}

/**
 * Refetching an infinite query refetches every page it holds, one after another. Before a
 * live refresh, drop the pages below what is on screen: they load again when scrolled to.
 */
export function trimSessionPages(client: QueryClient): void {
  client.setQueriesData<InfiniteData<SessionList, string | undefined>>(
    { queryKey: queryKeys.sessionsAll },
    (data) => {
      if (!data) return data;
      let rows = 0;
      let keep = 0;
      while (keep < data.pages.length && rows < rowsInView) {
        rows += data.pages[keep]?.items.length ?? 0;
        keep += 1;
      }
      keep = Math.max(keep, 1);
      if (keep >= data.pages.length) return data;
      return { pages: data.pages.slice(0, keep), pageParams: data.pageParams.slice(0, keep) };
    },
  );
}
