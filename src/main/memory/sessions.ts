import type { Handlers } from '../../shared/contract';
import type { Message, SessionSummary } from '../../shared/schemas/sessions';
import { HttpError } from '../http/errors';
import type { MessageRecord, SessionFilter, SessionKeyRecord, SessionSummaryRecord, Store } from '../store';
import { decodeCursor, encodeCursor } from './cursor';
import type { EventBus } from './events';

type SessionHandlers = Pick<
  Handlers,
  'listSessions' | 'countSessions' | 'getSession' | 'renameSession' | 'deleteSession' | 'deleteSessions'
>;

/**
 * A page of one conversation's messages also ends after the message that brings its
 * content and metadata to this many characters, whatever its limit (1,000 messages of
 * 1 MiB would be a 1 GiB answer, past V8's longest string); nextCursor goes on from there.
 */
export const SESSION_PAGE_CHARS = 32 * 1024 * 1024;

/** Above this many, a bulk change publishes one trash.changed instead of an event per session. */
export const MAX_EVENTS_PER_CHANGE = 100;

const iso = (ms: number) => new Date(ms).toISOString();

export function toSessionSummary(record: SessionSummaryRecord): SessionSummary {
  return {
    flowId: record.flowId,
    flowName: record.flowName,
    sessionId: record.sessionId,
    // A conversation without a user message has no derived title: its id names it.
    title: record.title ?? record.sessionId,
    preview: record.preview,
    messageCount: record.messageCount,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    ...(record.snippet === undefined ? {} : { snippet: record.snippet }),
  };
}

export function toApiMessage(record: MessageRecord): Message {
  return {
    id: record.id,
    role: record.role,
    content: record.content,
    createdAt: iso(record.createdAt),
    chatId: record.chatId,
    chatType: record.chatType,
    metadata: record.metadata,
  };
}

/** session.deleted for each conversation that left the live list (or one trash.changed when many). */
export function publishDeleted(events: EventBus, keys: SessionKeyRecord[], trashChanged: boolean): void {
  if (keys.length <= MAX_EVENTS_PER_CHANGE) {
    for (const key of keys) events.publish({ type: 'session.deleted', ...key });
  }
  if (trashChanged || keys.length > MAX_EVENTS_PER_CHANGE) events.publish({ type: 'trash.changed' });
}

const notFound = (flowId: string, sessionId: string) =>
  new HttpError(404, `no conversation "${sessionId}" in flow "${flowId}"`);

/** The filter as the store takes it; dates arrive parsed to epoch ms by the schema. */
const storeFilter = (filter: SessionFilter): SessionFilter => ({
  flowId: filter.flowId,
  q: filter.q,
  startDate: filter.startDate,
  endDate: filter.endDate,
});

function checkRange(filter: SessionFilter): void {
  if (filter.startDate !== undefined && filter.endDate !== undefined && filter.startDate > filter.endDate) {
    throw new HttpError(400, 'field "endDate": must not be before startDate');
  }
}

export function sessionHandlers(store: Store, events: EventBus): SessionHandlers {
  return {
    listSessions: async (input) => {
      checkRange(input);
      const kind = `sessions:${input.by}:${input.sort}`;
      const page = await store.listSessions(storeFilter(input), {
        sort: input.sort,
        by: input.by,
        limit: input.limit,
        after: input.cursor === undefined ? undefined : decodeCursor(input.cursor, kind),
      });
      return {
        items: page.items.map(toSessionSummary),
        nextCursor: page.next && encodeCursor(kind, page.next.key, page.next.id),
        total: page.total,
        totalExact: page.totalExact,
      };
    },

    countSessions: async (input) => {
      checkRange(input);
      return { total: await store.countSessions(storeFilter(input)) };
    },

    getSession: async (input) => {
      const session = await store.getSession(input.flowId, input.sessionId);
      if (!session) throw notFound(input.flowId, input.sessionId);
      // ASC keeps the kind its cursors always had; a cursor of one direction is refused in the other.
      const kind = input.sort === 'DESC' ? 'messages:DESC' : 'messages';
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, kind);
      const page = await store.listSessionMessages(session.id, {
        limit: input.limit,
        after: after && { time: after.key, seq: after.id },
        maxChars: SESSION_PAGE_CHARS,
        sort: input.sort,
      });
      return {
        ...toSessionSummary(session),
        messages: page.items.map(toApiMessage),
        nextCursor: page.next && encodeCursor(kind, page.next.time, page.next.seq),
      };
    },

    renameSession: async (input) => {
      const renamed = await store.renameSession(input.flowId, input.sessionId, input.title);
      if (!renamed) throw notFound(input.flowId, input.sessionId);
      events.publish({ type: 'session.changed', flowId: input.flowId, sessionId: input.sessionId });
      return toSessionSummary(renamed);
    },

    deleteSession: async (input) => {
      const deleted = await store.deleteSession(input.flowId, input.sessionId, {
        hard: input.hard,
        now: Date.now(),
      });
      if (!deleted) throw notFound(input.flowId, input.sessionId);
      publishDeleted(events, [{ flowId: input.flowId, sessionId: input.sessionId }], !input.hard);
      return { count: 1 };
    },

    deleteSessions: async (input) => {
      checkRange(input.filter);
      const result = await store.trashMatching(storeFilter(input.filter), input.expectedCount, Date.now());
      if (result.trashed === null) {
        throw new HttpError(
          409,
          `the filter matches ${result.matched} conversations now, not expectedCount ${input.expectedCount}; nothing was deleted`,
          { matched: result.matched },
        );
      }
      publishDeleted(events, result.trashed, result.trashed.length > 0);
      return { count: result.trashed.length, batch: result.batch };
    },
  };
}
