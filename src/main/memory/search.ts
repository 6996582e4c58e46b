import type { Handlers } from '../../shared/contract';
import { HttpError } from '../http/errors';
import type { Store } from '../store';

/** Full-text search over the messages of live conversations, newest first. */
export function searchHandlers(store: Store): Pick<Handlers, 'search' | 'sessionMatches'> {
  return {
    search: async (input) => {
      const hits = await store.searchMessages(input.q, { flowId: input.flowId, limit: input.limit });
      return {
        items: hits.map((hit) => ({
          messageId: hit.messageId,
          flowId: hit.flowId,
          flowName: hit.flowName,
          sessionId: hit.sessionId,
          title: hit.title ?? hit.sessionId,
          role: hit.role,
          createdAt: new Date(hit.createdAt).toISOString(),
          snippet: hit.snippet,
        })),
      };
    },

    sessionMatches: async (input) => {
      const session = await store.getSession(input.flowId, input.sessionId);
      if (!session)
        throw new HttpError(404, `no conversation "${input.sessionId}" in flow "${input.flowId}"`);
      const matches = await store.matchPositions(session.id, input.q);
      return { total: matches.length, matches: matches.slice(0, input.limit) };
    },
  };
}
