/** Sim's Memory block on PostgreSQL: a block is a flow, a memory one live conversation with its messages. */
import type { Role } from '../../../shared/schemas/common';
import {
  type AddedMemory,
  MEMORY_PIECE_CHARS,
  type MemoryFilter,
  type MemoryMessageRecord,
  type MemoryPiece,
  memoryPageBySize,
} from '../sim-memories';
import type { MessageRecord, NewMessage } from '../types';
import { type Database, retried } from './db';
import { appendIn } from './messages';
import { type Position, params } from './sql';

const MEMORY_PIECE_ROWS = 10_000;
const END: Position = { time: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };

interface MemoryRow {
  id: number;
  flow_id: string;
  flow_name: string;
  session_id: string;
}

function memoriesSql(filter: MemoryFilter) {
  const p = params();
  const parts = ['c.trashed_at IS NULL'];
  if (filter.sessionId !== undefined) parts.push(`c.session_id = ${p.add(filter.sessionId)}`);
  if (filter.flowId !== undefined) parts.push(`c.flow_id = ${p.add(filter.flowId)}`);
  if (filter.flowName !== undefined) parts.push(`f.name = ${p.add(filter.flowName)}`);
  return {
    sql: `SELECT c.id, c.flow_id, f.name AS flow_name, c.session_id FROM conversations c
      JOIN flows f ON f.id = c.flow_id WHERE ${parts.join(' AND ')} ORDER BY c.id`,
    values: p.values,
  };
}

export function simMemoryQueries(db: Database) {
  const RANGE = `conversation_id = $1 AND (created_at, seq) > ($2, $3) AND (created_at, seq) <= ($4, $5)
    ORDER BY created_at, seq LIMIT $6`;

  /**
   * The next piece of one conversation after `from` up to `upTo`, bounded by rows and
   * bytes, in one round trip: a running sum of the sizes keeps the rows past the bound on
   * the server, and the window's row count says whether more follow.
   */
  async function nextPiece(id: number, from: Position, upTo: Position) {
    const rows = await db.prepared<{
      created_at: number;
      seq: number;
      role: Role;
      content: string;
      metadata: string | null;
      n: number;
      rows_read: number;
    }>(
      `SELECT * FROM (SELECT x.*, sum(x.n) OVER (ORDER BY x.created_at, x.seq ROWS UNBOUNDED PRECEDING) - x.n AS bytes_before,
         count(*) OVER () AS rows_read
       FROM (SELECT created_at, seq, role, content, metadata, octet_length(content) + coalesce(octet_length(metadata), 0) AS n
             FROM messages WHERE ${RANGE}) x) x
       WHERE x.bytes_before < $7 ORDER BY x.created_at, x.seq`,
      [id, from.time, from.seq, upTo.time, upTo.seq, MEMORY_PIECE_ROWS, MEMORY_PIECE_CHARS],
    );
    const last = rows[rows.length - 1];
    if (!last) return { rows: [], bytes: 0, end: null };
    const read = last.rows_read;
    const more = rows.length < read || read === MEMORY_PIECE_ROWS;
    const bytes = rows.reduce((sum, row) => sum + row.n, 0);
    return { rows, bytes, end: more ? { time: last.created_at, seq: last.seq } : null };
  }

  async function* memoryPieces(rows: MemoryRow[], upTo = END): AsyncGenerator<MemoryPiece> {
    for (const row of rows) {
      yield { type: 'memory', flowId: row.flow_id, flowName: row.flow_name, sessionId: row.session_id };
      let from: Position | null = { time: Number.MIN_SAFE_INTEGER, seq: 0 };
      while (from !== null) {
        const piece = await nextPiece(row.id, from, upTo);
        const messages: MemoryMessageRecord[] = piece.rows.map((m) => ({
          role: m.role,
          content: m.content,
          metadata: m.metadata === null ? null : JSON.parse(m.metadata),
        }));
        if (messages.length > 0) yield { type: 'messages', messages, chars: piece.bytes };
        from = messages.length === 0 ? null : piece.end;
      }
    }
  }

  const selectMemories = async (filter: MemoryFilter) => {
    const query = memoriesSql(filter);
    return db.prepared<MemoryRow>(query.sql, query.values);
  };

  return {
    appendToBlock: (
      block: { id: string; name: string },
      sessionId: string,
      messages: NewMessage[],
    ): Promise<{ flowCreated: boolean; messages: MessageRecord[]; memory: AddedMemory }> =>
      retried(async () => {
        // The block's flow made if missing, the memory's conversation locked, the messages added: one statement.
        const appended = await appendIn(db, block.id, sessionId, messages, block);
        const row = {
          id: appended.conversationId,
          flow_id: block.id,
          flow_name: appended.flowName ?? block.name,
          session_id: sessionId,
        };
        return {
          flowCreated: appended.flowCreated,
          messages: appended.messages,
          memory: { row, upTo: appended.last },
        };
      }),

    streamAddedMemory: (memory: AddedMemory): AsyncGenerator<MemoryPiece> =>
      memoryPieces([memory.row], memory.upTo),

    streamMemories: async function* (filter: MemoryFilter): AsyncGenerator<MemoryPiece> {
      yield* memoryPieces(await selectMemories(filter));
    },

    streamMemoryPage(
      afterId: number,
      limit: number,
      maxChars: number,
    ): { pieces: AsyncGenerator<MemoryPiece>; page: { lastId: number | null; more: boolean } } {
      return memoryPageBySize(
        () =>
          db.prepared<MemoryRow>(
            `SELECT c.id, c.flow_id, f.name AS flow_name, c.session_id FROM conversations c
             JOIN flows f ON f.id = c.flow_id WHERE c.trashed_at IS NULL AND c.id > $1 ORDER BY c.id LIMIT $2`,
            [afterId, limit + 1],
          ),
        limit,
        maxChars,
        memoryPieces,
      );
    },

    deleteMemories: (filter: MemoryFilter): Promise<Array<{ flowId: string; sessionId: string }>> =>
      db.transaction(async (tx) => {
        const query = memoriesSql(filter);
        const rows = await tx.prepared<MemoryRow>(query.sql, query.values);
        await tx.prepared('DELETE FROM conversations WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        return rows.map((r) => ({ flowId: r.flow_id, sessionId: r.session_id }));
      }),
  };
}
