/** Sim's Memory block on PostgreSQL: a block is a flow, a memory one live conversation with its messages. */
import {
  type AddedMemory,
  MEMORY_PIECE_CHARS,
  type MemoryFilter,
  type MemoryPiece,
  memoryPageBySize,
} from '../sim-memories';
import type { MessageRecord, NewMessage } from '../types';
import { type Database, retried } from './db';
import { type AppendRow, appendIn } from './messages';
import { type Position, params } from './sql';

const MEMORY_PIECE_ROWS = 10_000;
const END: Position = { time: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
const START: Position = { time: Number.MIN_SAFE_INTEGER, seq: 0 };

type PieceRow = Pick<
  AppendRow,
  'm_time' | 'm_seq' | 'm_role' | 'm_content' | 'm_metadata' | 'm_bytes' | 'm_rows'
>;
type Piece = NonNullable<AddedMemory['first']>;

/** A piece from its rows, oldest first, each with the size of its message and how many rows the read's window held. */
function pieceOf(rows: PieceRow[]): Piece {
  const last = rows[rows.length - 1];
  if (!last) return { messages: [], chars: 0, end: null };
  const more = rows.length < last.m_rows || last.m_rows === MEMORY_PIECE_ROWS;
  return {
    messages: rows.map((m) => ({
      role: m.m_role,
      content: m.m_content,
      metadata: m.m_metadata === null ? null : JSON.parse(m.m_metadata),
    })),
    chars: rows.reduce((sum, row) => sum + row.m_bytes, 0),
    end: more ? { time: last.m_time, seq: last.m_seq } : null,
  };
}

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
  async function nextPiece(id: number, from: Position, upTo: Position): Promise<Piece> {
    const rows = await db.prepared<PieceRow>(
      `SELECT x.created_at AS m_time, x.seq AS m_seq, x.role AS m_role, x.content AS m_content,
         x.metadata AS m_metadata, x.n AS m_bytes, x.rows_read AS m_rows
       FROM (SELECT x.*, sum(x.n) OVER (ORDER BY x.created_at, x.seq ROWS UNBOUNDED PRECEDING) - x.n AS bytes_before,
         count(*) OVER () AS rows_read
       FROM (SELECT created_at, seq, role, content, metadata, octet_length(content) + coalesce(octet_length(metadata), 0) AS n
             FROM messages WHERE ${RANGE}) x) x
       WHERE x.bytes_before < $7 ORDER BY x.created_at, x.seq`,
      [id, from.time, from.seq, upTo.time, upTo.seq, MEMORY_PIECE_ROWS, MEMORY_PIECE_CHARS],
    );
    return pieceOf(rows);
  }

  /** One memory's messages from `first` (read already) or its start, a piece at a time. */
  async function* messagePieces(id: number, upTo: Position, first?: Piece): AsyncGenerator<MemoryPiece> {
    let piece = first ?? (await nextPiece(id, START, upTo));
    for (;;) {
      if (piece.messages.length === 0) return;
      yield { type: 'messages', messages: piece.messages, chars: piece.chars };
      if (piece.end === null) return;
      piece = await nextPiece(id, piece.end, upTo);
    }
  }

  const memoryHead = (row: MemoryRow): MemoryPiece => ({
    type: 'memory',
    flowId: row.flow_id,
    flowName: row.flow_name,
    sessionId: row.session_id,
  });

  async function* memoryPieces(rows: MemoryRow[]): AsyncGenerator<MemoryPiece> {
    for (const row of rows) {
      yield memoryHead(row);
      yield* messagePieces(row.id, END);
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
        const appended = await appendIn(db, block.id, sessionId, messages, {
          flow: block,
          piece: { rows: MEMORY_PIECE_ROWS, bytes: MEMORY_PIECE_CHARS },
        });
        const row = {
          id: appended.conversationId,
          flow_id: block.id,
          flow_name: appended.flowName ?? block.name,
          session_id: sessionId,
        };
        return {
          flowCreated: appended.flowCreated,
          messages: appended.messages,
          memory: { row, upTo: appended.last, first: pieceOf(appended.memory) },
        };
      }),

    streamAddedMemory: async function* (memory: AddedMemory): AsyncGenerator<MemoryPiece> {
      yield memoryHead(memory.row);
      yield* messagePieces(memory.row.id, memory.upTo, memory.first);
    },

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
