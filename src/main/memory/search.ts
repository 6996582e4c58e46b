import type { Handlers } from '../../shared/contract';
import type { Store } from '../store';

/** Full-text search over the messages of live conversations, newest first. */
export function searchHandlers(store: Store): Pick<Handlers, 'search'> {
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
  };
}
