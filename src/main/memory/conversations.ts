/**
 * The rules of Flowise's chat-message routes: reads, deletes (hard, or whole
 * conversations to the trash) and stats of one flow's messages.
 */
import type { ChatType, Role } from '../../shared/schemas/common';
import { notFound } from '../http/errors';
import type { ChatMessageRecord, MessageFilter, MessageRecord } from '../store';
import type { ServiceContext } from '.';

export interface ChatMessageFilter {
  sessionId?: string;
  chatId?: string;
  chatType?: ChatType;
  startDate?: number;
  endDate?: number;
}

export function conversationService(context: Pick<ServiceContext, 'store' | 'events'>) {
  const { store, events } = context;

  const storeFilter = (flowId: string, filter: ChatMessageFilter): MessageFilter => ({
    flowId,
    sessionId: filter.sessionId,
    chatId: filter.chatId,
    chatType: filter.chatType,
    startDate: filter.startDate,
    endDate: filter.endDate,
  });

  async function assertFlow(flowId: string): Promise<void> {
    if (!(await store.getFlow(flowId))) throw notFound(`chatflow "${flowId}" not found`);
  }

  /** 404 for an unknown flow, else the store's filter for it. */
  async function filterOf(flowId: string, filter: ChatMessageFilter): Promise<MessageFilter> {
    await assertFlow(flowId);
    return storeFilter(flowId, filter);
  }

  return {
    /**
     * Matching messages by time, in pieces of a bounded size (an answer of any size);
     * `limit`/`page` (1-based) page them. An unknown flow is a 404 before any is read.
     */
    async list(
      flowId: string,
      filter: ChatMessageFilter,
      options: { order: 'ASC' | 'DESC'; limit?: number; page?: number },
    ): Promise<AsyncGenerator<ChatMessageRecord[]>> {
      const offset = options.limit === undefined ? 0 : ((options.page ?? 1) - 1) * options.limit;
      const where = storeFilter(flowId, filter);
      const messages = await store.streamChatMessages(where, {
        order: options.order,
        limit: options.limit,
        offset,
      });
      // A message belongs to a conversation of an existing flow: only an empty answer
      // needs the flow looked up (the hot path, SPEC 9, reads one table less).
      if (messages.empty) await assertFlow(flowId);
      return messages.pieces;
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

    /** One message appended to a conversation of an existing flow (creating the conversation); chatType EXTERNAL. */
    async append(
      flowId: string,
      sessionId: string,
      message: { role: Role; content: string },
    ): Promise<MessageRecord> {
      await assertFlow(flowId);
      const { messages } = await store.appendMessages(flowId, sessionId, [
        { ...message, chatType: 'EXTERNAL', chatId: sessionId, createdAt: Date.now() },
      ]);
      events.publish({ type: 'session.changed', flowId, sessionId });
      return messages[0] as MessageRecord;
    },

    async stats(flowId: string, filter: ChatMessageFilter) {
      const counts = await store.countMessages(await filterOf(flowId, filter));
      return { totalMessages: counts.messages, totalSessions: counts.sessions };
    },
  };
}

export type ConversationService = ReturnType<typeof conversationService>;
