/**
 * Sim's Memory block over the store: a block is a flow, a memory is one live
 * conversation with all its messages.
 */

import type { Role } from '../../shared/schemas/common';
import type { Db } from './database';
import { limitParam } from './limit';
import { statementCache } from './statement-cache';
import type { MessageRecord, NewMessage } from './types';
import type { WriteQueue } from './write-queue';

/** Which memories a Sim get or delete addresses; set fields combine as an intersection. */
export interface MemoryFilter {
  sessionId?: string;
  flowId?: string;
  flowName?: string;
}

/** What a memory shows of a message (a memory can hold thousands: only what is needed). */
export interface MemoryMessageRecord {
  role: Role;
  content: string;
  metadata: Record<string, unknown> | null;
}

export interface MemoryRecord {
  flowId: string;
  flowName: string;
  sessionId: string;
  /** Oldest first. */
  messages: MemoryMessageRecord[];
}

interface MemoryRow {
  id: number;
  flow_id: string;
  flow_name: string;
  session_id: string;
}

type EnsureFlow = (flow: { id: string; name: string; responder: unknown }) => boolean;
type Append = (
  flowId: string,
  sessionId: string,
  messages: NewMessage[],
) => { conversationId: number; messages: MessageRecord[] };

/** The SQL text depends only on which fields are set, so each variant is prepared once. */
function memoryWhere(filter: MemoryFilter): string {
  const parts = ['c.trashed_at IS NULL'];
  if (filter.sessionId !== undefined) parts.push('c.session_id = @sessionId');
  if (filter.flowId !== undefined) parts.push('c.flow_id = @flowId');
  if (filter.flowName !== undefined) parts.push('f.name = @flowName');
  return parts.join(' AND ');
}

/** The live conversations a Sim get or delete addresses, in creation order. */
export const memoriesSql = (filter: MemoryFilter) =>
  `SELECT c.id, c.flow_id, f.name AS flow_name, c.session_id FROM conversations c
   JOIN flows f ON f.id = c.flow_id WHERE ${memoryWhere(filter)} ORDER BY c.id`;

export function simMemoryQueries(db: Db, writes: WriteQueue, ensureFlowSync: EnsureFlow, appendSync: Append) {
  const cached = statementCache(db);
  // Raw rows (arrays): a memory can hold thousands of messages and each add answers with all of them.
  const messagesOfOne = db
    .prepare<[number], [Role, string, string | null]>(
      'SELECT role, content, metadata FROM messages WHERE conversation_id = ? ORDER BY created_at, seq',
    )
    .raw();
  const messagesOfMany = db
    .prepare<[string], [number, Role, string, string | null]>(
      `SELECT conversation_id, role, content, metadata FROM messages
       WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id, created_at, seq`,
    )
    .raw();
  const toMemoryMessage = (role: Role, content: string, metadata: string | null): MemoryMessageRecord => ({
    role,
    content,
    metadata: metadata === null ? null : JSON.parse(metadata),
  });
  const removeConversation = db.prepare<[number]>('DELETE FROM conversations WHERE id = ?');
  const flowName = db.prepare<[string], string>('SELECT name FROM flows WHERE id = ?').pluck();
  const messagesOf = (conversationId: number): MemoryMessageRecord[] =>
    messagesOfOne
      .all(conversationId)
      .map(([role, content, metadata]) => toMemoryMessage(role, content, metadata));

  function withMessages(rows: MemoryRow[]): MemoryRecord[] {
    const byConversation = new Map<number, MemoryMessageRecord[]>(rows.map((r) => [r.id, []]));
    const [only] = rows;
    if (rows.length === 1 && only) {
      byConversation.set(only.id, messagesOf(only.id));
    } else if (rows.length > 1) {
      for (const [id, role, content, metadata] of messagesOfMany.all(JSON.stringify(rows.map((r) => r.id)))) {
        byConversation.get(id)?.push(toMemoryMessage(role, content, metadata));
      }
    }
    return rows.map((r) => ({
      flowId: r.flow_id,
      flowName: r.flow_name,
      sessionId: r.session_id,
      messages: byConversation.get(r.id) ?? [],
    }));
  }

  const selectMemories = (filter: MemoryFilter) => cached(memoriesSql(filter));
  const pageAfter = db.prepare<{ afterId: number; limit: number }, MemoryRow>(
    `SELECT c.id, c.flow_id, f.name AS flow_name, c.session_id FROM conversations c
     JOIN flows f ON f.id = c.flow_id WHERE c.trashed_at IS NULL AND c.id > @afterId ORDER BY c.id ${limitParam('limit')}`,
  );

  return {
    /**
     * Appends messages to a block's conversation in one transaction, creating the block
     * (a flow with the echo responder) first when it does not exist. Returns the
     * conversation's whole memory as this append left it (Sim's add answers with it),
     * read by its row id in the same transaction rather than looked up again.
     */
    appendToBlock: (
      block: { id: string; name: string },
      sessionId: string,
      messages: NewMessage[],
    ): Promise<{ flowCreated: boolean; messages: MessageRecord[]; memory: MemoryRecord }> =>
      writes.run(() => {
        const flowCreated = ensureFlowSync({ ...block, responder: { kind: 'echo' } });
        const appended = appendSync(block.id, sessionId, messages);
        const memory: MemoryRecord = {
          flowId: block.id,
          flowName: flowCreated ? block.name : (flowName.get(block.id) ?? block.name),
          sessionId,
          messages: messagesOf(appended.conversationId),
        };
        return { flowCreated, messages: appended.messages, memory };
      }),

    /** Every live conversation matching the filter, with its messages, in creation order. */
    listMemories: async (filter: MemoryFilter): Promise<MemoryRecord[]> =>
      withMessages(selectMemories(filter).all(filter) as MemoryRow[]),

    /** One page of every live memory, keyset-paged on the conversation's row id. */
    pageMemories: async (
      afterId: number,
      limit: number,
    ): Promise<{ memories: MemoryRecord[]; lastId: number | null; more: boolean }> => {
      const rows = pageAfter.all({ afterId, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        memories: withMessages(page),
        lastId: page.at(-1)?.id ?? null,
        more: rows.length > limit,
      };
    },

    /** Deletes every live conversation matching the filter, for good, in one transaction. */
    deleteMemories: (filter: MemoryFilter): Promise<Array<{ flowId: string; sessionId: string }>> =>
      writes.run(() => {
        const rows = selectMemories(filter).all(filter) as MemoryRow[];
        for (const row of rows) removeConversation.run(row.id);
        return rows.map((r) => ({ flowId: r.flow_id, sessionId: r.session_id }));
      }),
  };
}
