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
import type { Database } from './db';
import { ensureFlowIn } from './flows';
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

  /** The next piece of one conversation after `from` up to `upTo`, bounded by rows and bytes (sizes read first). */
  async function nextPiece(id: number, from: Position, upTo: Position) {
    const sizes = await db.prepared<{ created_at: number; seq: number; n: number }>(
      `SELECT created_at, seq, octet_length(content) + coalesce(octet_length(metadata), 0) AS n FROM messages WHERE ${RANGE}`,
      [id, from.time, from.seq, upTo.time, upTo.seq, MEMORY_PIECE_ROWS],
    );
    if (sizes.length === 0) return { rows: [], bytes: 0, end: null };
    let bytes = 0;
    let taken = 0;
    for (const size of sizes) {
      taken += 1;
      bytes += size.n;
      if (bytes >= MEMORY_PIECE_CHARS) break;
    }
    const last = sizes[taken - 1] as { created_at: number; seq: number };
    const rows = await db.prepared<{ role: Role; content: string; metadata: string | null }>(
      `SELECT role, content, metadata FROM messages WHERE ${RANGE}`,
      [id, from.time, from.seq, last.created_at, last.seq, taken],
    );
    const more = taken < sizes.length || sizes.length === MEMORY_PIECE_ROWS;
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
      db.transaction(async (tx) => {
        const flowCreated = await ensureFlowIn(tx, { ...block, responder: { kind: 'echo' } });
        const appended = await appendIn(tx, block.id, sessionId, messages);
        const flow = flowCreated
          ? undefined
          : await tx.one<{ name: string }>('SELECT name FROM flows WHERE id = $1', [block.id]);
        const row = {
          id: appended.conversationId,
          flow_id: block.id,
          flow_name: flow?.name ?? block.name,
          session_id: sessionId,
        };
        return { flowCreated, messages: appended.messages, memory: { row, upTo: appended.last } };
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
