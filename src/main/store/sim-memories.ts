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
  /** `chars`: the UTF-8 bytes of their content and stored metadata (never fewer than its characters). */
  | { type: 'messages'; messages: MemoryMessageRecord[]; chars: number };

/**
 * One page of memories in pieces, ended by size as well as by count: it ends after the
 * memory that brings it to `maxChars` (the first is always whole). `readRows` gives up to
 * `limit + 1` rows in id order (one more tells whether there is a next page); `page.more`
 * and `page.lastId` are set once the pieces are read. Both stores page this way.
 */
export function memoryPageBySize<Row extends { id: number }>(
  readRows: () => Row[] | Promise<Row[]>,
  limit: number,
  maxChars: number,
  piecesOf: (rows: Row[]) => AsyncIterable<MemoryPiece>,
): { pieces: AsyncGenerator<MemoryPiece>; page: { lastId: number | null; more: boolean } } {
  const page = { lastId: null as number | null, more: false };
  async function* pieces(): AsyncGenerator<MemoryPiece> {
    const rows = await readRows();
    let chars = 0;
    for (const [index, row] of rows.slice(0, limit).entries()) {
      for await (const piece of piecesOf([row])) {
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
}

/** A piece holds at most this many bytes of messages (content and metadata, UTF-8) and one message more. */
export const MEMORY_PIECE_CHARS = 4 * 1024 * 1024;
/** A piece holds at most this many messages. */
const MEMORY_PIECE_ROWS = 10_000;

interface MemoryRow {
  id: number;
  flow_id: string;
  flow_name: string;
  session_id: string;
}

type EnsureFlow = (flow: { id: string; name: string; responder: unknown }) => boolean;
/** A message's place in its conversation's order. */
interface Position {
  time: number;
  seq: number;
}

type Append = (
  flowId: string,
  sessionId: string,
  messages: NewMessage[],
) => { conversationId: number; messages: MessageRecord[]; last: Position };

/** What an add answers with: its conversation's memory up to and including the messages it added. */
export interface AddedMemory {
  row: MemoryRow;
  upTo: Position;
  /** Its first piece, when the store read it with the append (PostgreSQL: one round trip fewer); `end`: where the next starts, null if none. */
  first?: { messages: MemoryMessageRecord[]; chars: number; end: Position | null };
}

const END: Position = { time: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };

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
  const toMemoryMessage = (role: Role, content: string, metadata: string | null): MemoryMessageRecord => ({
    role,
    content,
    metadata: metadata === null ? null : JSON.parse(metadata),
  });
  const removeConversation = db.prepare<[number]>('DELETE FROM conversations WHERE id = ?');
  const flowName = db.prepare<[string], string>('SELECT name FROM flows WHERE id = ?').pluck();

  const selectMemories = (filter: MemoryFilter) => cached(memoriesSql(filter));
  // One conversation's messages after a position up to another, by its (conversation, time, seq)
  // index. Their sizes come from octet_length, which reads no content.
  type Range = { id: number; time: number; seq: number; untilTime: number; untilSeq: number; limit: number };
  const range = `conversation_id = @id AND (created_at, seq) > (@time, @seq) AND (created_at, seq) <= (@untilTime, @untilSeq)
    ORDER BY created_at, seq ${limitParam('limit')}`;
  const size = 'octet_length(content) + ifnull(octet_length(metadata), 0)';
  const sizeOfNext = db
    .prepare<Range, [number, number]>(
      `SELECT count(*), ifnull(sum(bytes), 0) FROM (SELECT ${size} AS bytes FROM messages WHERE ${range})`,
    )
    .raw();
  const sizesAfter = db
    .prepare<Range, [number, number, number]>(`SELECT created_at, seq, ${size} FROM messages WHERE ${range}`)
    .raw();
  // Without the position columns: two numbers more per row cost a third more on a small memory.
  const messagesAfter = db
    .prepare<Range, [Role, string, string | null]>(
      `SELECT role, content, metadata FROM messages WHERE ${range}`,
    )
    .raw();
  const lastOfNext = db
    .prepare<Range, [number, number]>(
      `SELECT created_at, seq FROM (SELECT created_at, seq FROM messages WHERE ${range}) ORDER BY created_at DESC, seq DESC LIMIT 1`,
    )
    .raw();

  /**
   * The next piece of one conversation's messages after `from` (up to `upTo`): up to
   * MEMORY_PIECE_ROWS, ending after the message that brings it to MEMORY_PIECE_CHARS, and
   * where it ends (null: the conversation's last piece). Read whole (.all: a row at a time
   * costs twice as much over thousands of small messages): first their total size (one
   * row), and only when that passes the bound each size.
   */
  function nextPiece(id: number, from: Position, upTo: Position) {
    const next: Range = { id, ...from, untilTime: upTo.time, untilSeq: upTo.seq, limit: MEMORY_PIECE_ROWS };
    const [count, total] = sizeOfNext.get(next) ?? [0, 0];
    if (count === 0) return { rows: [], bytes: 0, end: null };
    let bytes = total;
    let taken = count;
    if (total >= MEMORY_PIECE_CHARS) {
      bytes = 0;
      taken = 0;
      for (const [time, seq, rowBytes] of sizesAfter.all(next)) {
        taken += 1;
        Object.assign(next, { untilTime: time, untilSeq: seq, limit: taken });
        bytes += rowBytes;
        if (bytes >= MEMORY_PIECE_CHARS) break;
      }
    }
    const more = taken < count || count === MEMORY_PIECE_ROWS;
    const [time, seq] = (more && lastOfNext.get(next)) || [0, 0];
    return { rows: messagesAfter.all(next), bytes, end: more ? { time, seq } : null };
  }

  /**
   * The memories' heads and messages in pieces of a bounded size; yields between pieces.
   * Not a snapshot: a message appended while it streams may be in it or not.
   */
  async function* memoryPieces(rows: MemoryRow[], upTo = END): AsyncGenerator<MemoryPiece> {
    for (const row of rows) {
      yield { type: 'memory', flowId: row.flow_id, flowName: row.flow_name, sessionId: row.session_id };
      let from: Position | null = { time: Number.MIN_SAFE_INTEGER, seq: 0 };
      while (from !== null) {
        const piece = nextPiece(row.id, from, upTo);
        const messages = piece.rows.map(([role, content, metadata]) =>
          toMemoryMessage(role, content, metadata),
        );
        if (messages.length > 0) yield { type: 'messages', messages, chars: piece.bytes };
        from = messages.length === 0 ? null : piece.end;
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
     * (a flow with the echo responder) first when it does not exist. Returns where the
     * conversation's memory ends as this append left it (Sim's add answers with it, read
     * after the commit with streamAddedMemory: a memory of any size is never held whole).
     */
    appendToBlock: (
      block: { id: string; name: string },
      sessionId: string,
      messages: NewMessage[],
    ): Promise<{ flowCreated: boolean; messages: MessageRecord[]; memory: AddedMemory }> =>
      writes.run(() => {
        const flowCreated = ensureFlowSync({ ...block, responder: { kind: 'echo' } });
        const appended = appendSync(block.id, sessionId, messages);
        const row: MemoryRow = {
          id: appended.conversationId,
          flow_id: block.id,
          flow_name: flowCreated ? block.name : (flowName.get(block.id) ?? block.name),
          session_id: sessionId,
        };
        return { flowCreated, messages: appended.messages, memory: { row, upTo: appended.last } };
      }),

    /**
     * The memory an add left, in pieces: its conversation's messages up to the added ones
     * (a message appended since comes after them in time and order and is left out; one
     * deleted since is too).
     */
    streamAddedMemory: (memory: AddedMemory): AsyncGenerator<MemoryPiece> =>
      memoryPieces([memory.row], memory.upTo),

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
      return memoryPageBySize(
        () => pageAfter.all({ afterId, limit: limit + 1 }) as MemoryRow[],
        limit,
        maxChars,
        memoryPieces,
      );
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
