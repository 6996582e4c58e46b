/**
 * The rules of Flowise's chat-message routes: reads, deletes (hard, or whole
 * conversations to the trash) and stats of one flow's messages.
 */
import type { ChatType } from '../../shared/schemas/common';
import { notFound } from '../http/errors';
import type { MessageFilter, MessageRecord } from '../store';
import type { ServiceContext } from '.';

export interface ChatMessageFilter {
  sessionId?: string;
  chatId?: string;
  chatType?: ChatType;
  startDate?: number;
  endDate?: number;
}

export function conversationService(context: ServiceContext) {
  const { store, events } = context;

  /** 404 for an unknown flow, else the store's filter for it. */
  async function filterOf(flowId: string, filter: ChatMessageFilter): Promise<MessageFilter> {
    if (!(await store.getFlow(flowId))) throw notFound(`chatflow "${flowId}" not found`);
    return {
      flowId,
      sessionId: filter.sessionId,
      chatId: filter.chatId,
      chatType: filter.chatType,
      startDate: filter.startDate,
      endDate: filter.endDate,
    };
  }

  return {
    /** Matching messages by time; `limit`/`page` (1-based) page them. */
    async list(
      flowId: string,
      filter: ChatMessageFilter,
      options: { order: 'ASC' | 'DESC'; limit?: number; page?: number },
    ): Promise<MessageRecord[]> {
      const where = await filterOf(flowId, filter);
      const offset = options.limit === undefined ? 0 : ((options.page ?? 1) - 1) * options.limit;
      return store.listMessages(where, { order: options.order, limit: options.limit, offset });
    },

    /**
     * Deletes the matching messages (conversations left empty go too), or with `trash`
     * moves every conversation holding a match to the trash, whole. Returns how many
     * messages went.
     */
    async remove(flowId: string, filter: ChatMessageFilter, trash: boolean): Promise<number> {
      const where = await filterOf(flowId, filter);
      if (trash) {
        const moved = await store.trashConversations(where);
        for (const sessionId of moved.sessionIds)
          events.publish({ type: 'session.deleted', flowId, sessionId });
        if (moved.sessionIds.length > 0) events.publish({ type: 'trash.changed' });
        return moved.count;
      }
      const deleted = await store.deleteMessages(where);
      for (const { sessionId, emptied } of deleted.sessions) {
        events.publish({ type: emptied ? 'session.deleted' : 'session.changed', flowId, sessionId });
      }
      return deleted.count;
    },

    async stats(flowId: string, filter: ChatMessageFilter) {
      const counts = await store.countMessages(await filterOf(flowId, filter));
      return { totalMessages: counts.messages, totalSessions: counts.sessions };
    },
  };
}

export type ConversationService = ReturnType<typeof conversationService>;
