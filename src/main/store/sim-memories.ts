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

/**
 * A memory answer read in pieces (for answers of any size): each memory's head, then its
 * messages a piece at a time, oldest first.
 */
export type MemoryPiece =
  | { type: 'memory'; flowId: string; flowName: string; sessionId: string }
  /** `chars`: the characters of their content and stored metadata. */
  | { type: 'messages'; messages: MemoryMessageRecord[]; chars: number };

/** A piece holds at most this many characters of messages (content and metadata) and one message more. */
export const MEMORY_PIECE_CHARS = 4 * 1024 * 1024;
/** Messages per read of one conversation's next piece. */
const MEMORY_PIECE_ROWS = 1000;

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

  const selectMemories = (filter: MemoryFilter) => cached(memoriesSql(filter));
  // One conversation's messages after a position, by its (conversation, time, seq) index.
  const messagesAfter = db
    .prepare<
      { id: number; time: number; seq: number; limit: number },
      [number, number, Role, string, string | null]
    >(
      `SELECT created_at, seq, role, content, metadata FROM messages
       WHERE conversation_id = @id AND (created_at, seq) > (@time, @seq) ORDER BY created_at, seq ${limitParam('limit')}`,
    )
    .raw();

  /**
   * The memories' heads and messages in pieces of a bounded size; yields between pieces.
   * Not a snapshot: a message appended while it streams may be in it or not.
   */
  async function* memoryPieces(rows: MemoryRow[]): AsyncGenerator<MemoryPiece> {
    for (const row of rows) {
      yield { type: 'memory', flowId: row.flow_id, flowName: row.flow_name, sessionId: row.session_id };
      let position = { time: Number.MIN_SAFE_INTEGER, seq: 0 };
      for (;;) {
        const messages: MemoryMessageRecord[] = [];
        let chars = 0;
        let rowsRead = 0;
        for (const [time, seq, role, content, metadata] of messagesAfter.iterate({
          id: row.id,
          ...position,
          limit: MEMORY_PIECE_ROWS,
        })) {
          messages.push(toMemoryMessage(role, content, metadata));
          position = { time, seq };
          rowsRead += 1;
          chars += content.length + (metadata?.length ?? 0);
          if (chars >= MEMORY_PIECE_CHARS) break;
        }
        if (messages.length > 0) yield { type: 'messages', messages, chars };
        if (chars < MEMORY_PIECE_CHARS && rowsRead < MEMORY_PIECE_ROWS) break;
      }
    }
  }
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

    /** Every live conversation matching the filter, in creation order, in pieces of a bounded size. */
    streamMemories: (filter: MemoryFilter): AsyncGenerator<MemoryPiece> =>
      memoryPieces(selectMemories(filter).all(filter) as MemoryRow[]),

    /**
     * One page of every live memory, keyset-paged on the conversation's row id, in pieces;
     * the page is bounded in size as well as in count: it ends after
     * the memory that brings it to `maxChars` (the first memory is always whole, however
     * large). `page.more` and `page.lastId` are set once the pieces are read.
     */
    streamMemoryPage(
      afterId: number,
      limit: number,
      maxChars: number,
    ): { pieces: AsyncGenerator<MemoryPiece>; page: { lastId: number | null; more: boolean } } {
      const page = { lastId: null as number | null, more: false };
      async function* pieces(): AsyncGenerator<MemoryPiece> {
        const rows = pageAfter.all({ afterId, limit: limit + 1 });
        let chars = 0;
        for (const [index, row] of rows.slice(0, limit).entries()) {
          for await (const piece of memoryPieces([row])) {
            if (piece.type === 'messages') chars += piece.chars;
            yield piece;
          }
          page.lastId = row.id;
          if (chars >= maxChars && index + 1 < rows.length) {
            page.more = true;
            return;
          }
        }
        page.more = rows.length > limit;
      }
      return { pieces: pieces(), page };
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
