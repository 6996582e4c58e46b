import { useInfiniteQuery } from '@tanstack/react-query';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';

/** The newest messages come first, in a page small enough to paint at once; older pages are bigger. */
export const NEWEST_PAGE = 100;
export const OLDER_PAGE = 300;

/**
 * One conversation's messages newest first, page by page back in time (sort=DESC keyset
 * cursors). A live refresh refetches the pages held, each from the one before it, so the
 * same number of newest messages stays loaded without a gap or a repeat.
 */
export function useMessagePages(flowId: string, sessionId: string) {
  const { api } = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.session(flowId, sessionId),
    queryFn: ({ pageParam }) =>
      api.getSession({
        flowId,
        sessionId,
        sort: 'DESC',
        limit: pageParam === undefined ? NEWEST_PAGE : OLDER_PAGE,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
