/**
 * The rules of Sim's Memory block: add (creating an unknown block), get by
 * conversation / block / block name, get all (paged), delete.
 */
import type { Role } from '../../shared/schemas/common';
import { DEFAULT_FLOW_ID } from '../../shared/schemas/flows';
import { type MemoryKey, parseMemoryQuery } from '../../shared/schemas/sim-key';
import { badRequest } from '../http/errors';
import type { MemoryFilter } from '../store';
import type { MemoryPiece } from '../store/sim-memories';
import type { ServiceContext } from '.';

export interface MemoryAddMessage {
  role: Role;
  content: string;
  /** Extra keys the client sent with the message. */
  metadata: Record<string, unknown>;
}

export interface MemoryAdd {
  conversationId: string;
  /** Appended together, in this order. */
  messages: MemoryAddMessage[];
  blockId?: string;
  blockName?: string;
}

/** Who asked: conversationId wins over the legacy id; `query` is Sim's key query (sim-key.ts). */
export interface MemorySelector {
  conversationId?: string;
  id?: string;
  blockId?: string;
  blockName?: string;
  query?: string;
}

/** One side of a filter given twice (a parameter and the query) must agree. */
function agreed(name: string, given: string | undefined, fromQuery: string | undefined) {
  if (given !== undefined && fromQuery !== undefined && given !== fromQuery) {
    throw badRequest(`query field "query": names ${name} "${fromQuery}" but "${given}" is given too`);
  }
  return given ?? fromQuery;
}

function toFilter(s: MemorySelector): MemoryFilter {
  let fromQuery: { conversationId?: string; blockId?: string } = {};
  if (s.query !== undefined) {
    const parsed = parseMemoryQuery(s.query);
    if (!parsed.ok) throw badRequest(`query field "query": ${parsed.error}`);
    fromQuery = parsed.value;
  }
  return {
    sessionId: agreed('conversation', s.conversationId ?? s.id, fromQuery.conversationId),
    flowId: agreed('block', s.blockId, fromQuery.blockId),
    flowName: s.blockName,
  };
}

/**
 * A page of every memory ends after the memory that brings it to this many characters of
 * messages (nextCursor then points past it), whatever its limit: 1,000 memories of 1 MiB
 * would be a 1 GiB answer.
 */
export const MEMORY_PAGE_CHARS = 32 * 1024 * 1024;

const hasFilter = (f: MemoryFilter) =>
  f.sessionId !== undefined || f.flowId !== undefined || f.flowName !== undefined;

/** Cursors are opaque to clients: base64url of the last conversation row id of a page. */
const encodeCursor = (lastId: number) => Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (Number.isSafeInteger(after) && (after as number) >= 0) return after as number;
  } catch {
    // falls through to the error below
  }
  throw badRequest('query field "cursor": is not a cursor this server gave (use nextCursor as it came)');
}

export function simMemoryService(context: ServiceContext) {
  const { store, events } = context;

  return {
    /**
     * Appends one message; once it is committed, returns the conversation's whole memory
     * (oldest first, up to this message) in pieces of a bounded size, to be read after.
     */
    async add(input: MemoryAdd): Promise<AsyncGenerator<MemoryPiece>> {
      const blockId = input.blockId ?? DEFAULT_FLOW_ID;
      const appended = await store.appendToBlock(
        { id: blockId, name: input.blockName ?? blockId },
        input.conversationId,
        input.messages.map((m) => ({ ...m, chatType: 'EXTERNAL' as const })),
      );
      if (appended.flowCreated) events.publish({ type: 'flow.changed', flowId: blockId });
      events.publish({ type: 'session.changed', flowId: blockId, sessionId: input.conversationId });
      return store.streamAddedMemory(appended.memory);
    },

    hasFilter: (selector: MemorySelector) => hasFilter(toFilter(selector)),

    /** One conversation's memory in one block (none, or one memory), in pieces. */
    byKey: (key: MemoryKey): AsyncGenerator<MemoryPiece> =>
      store.streamMemories({ sessionId: key.conversationId, flowId: key.blockId }),

    /** Every memory matching at least one filter (all given filters must match), in pieces. */
    find: (selector: MemorySelector): AsyncGenerator<MemoryPiece> => store.streamMemories(toFilter(selector)),

    /**
     * One page of every memory, in pieces; its nextCursor is known once they are read. A
     * cursor this server did not give is refused here, before anything is read.
     */
    page(
      limit: number,
      cursor?: string,
    ): { pieces: AsyncGenerator<MemoryPiece>; nextCursor: () => string | null } {
      const { pieces, page } = store.streamMemoryPage(decodeCursor(cursor), limit, MEMORY_PAGE_CHARS);
      return {
        pieces,
        nextCursor: () => (page.more && page.lastId !== null ? encodeCursor(page.lastId) : null),
      };
    },

    /** Deletes every matching memory for good; refuses to run without a filter. */
    async remove(selector: MemorySelector): Promise<number> {
      const filter = toFilter(selector);
      if (!hasFilter(filter)) {
        throw badRequest(
          'give at least one of conversationId, id, blockId, blockName (refusing to delete every memory)',
        );
      }
      const deleted = await store.deleteMemories(filter);
      for (const { flowId, sessionId } of deleted)
        events.publish({ type: 'session.deleted', flowId, sessionId });
      return deleted.length;
    },
  };
}

export type SimMemoryService = ReturnType<typeof simMemoryService>;
