/** Messages and conversations on PostgreSQL: appends, Flowise reads and deletes. */
import type { Role } from '../../../shared/schemas/common';
import type { MessageReadOptions } from '../memory-store';
import type { MessageDeletion } from '../messages';
import {
  appendedRows,
  cut,
  cutStart,
  cutStartLength,
  PREVIEW_LENGTH,
  TITLE_LENGTH,
  toConversation,
  toMessage,
} from '../messages';
import type {
  ChatMessageRecord,
  ConversationRecord,
  MessageFilter,
  MessageRecord,
  NewMessage,
} from '../types';
import { type Database, type Queryable, retried, unescapeText } from './db';
import { flowParams } from './flows';
import { type PgConversationRow, type Position, params } from './sql';
import { titleTerms, tsvectorParts } from './terms';

type MessageRow = Parameters<typeof toMessage>[0] & { seq: number };

/** A piece of a streamed list holds at most this many characters of content (and one message more)... */
const LIST_PIECE_CHARS = 4 * 1024 * 1024;
/** ...and at most this many messages. */
const LIST_PIECE_ROWS = 2000;

/** A message row as inserted: already timed and with its id. */
export interface MessageInsert {
  id: string;
  role: string;
  content: string;
  createdAt: number;
  chatId: string;
  chatType: string;
  metadata: string | null;
  importKey?: string | null;
}

/** Inserts messages into one conversation with their full-text rows; returns their seqs in order. */
export const insertMessages = (
  tx: Queryable,
  conversationId: number,
  rows: MessageInsert[],
): Promise<number[]> =>
  insertMessageRows(
    tx,
    rows.map((row) => ({ ...row, conversationId })),
  );

/** The full-text rows of messages, as three parallel arrays: message id, part number, tsvector text. */
function termRows(rows: Array<{ id: string; content: string }>) {
  const termIds: string[] = [];
  const parts: number[] = [];
  const terms: string[] = [];
  for (const row of rows) {
    tsvectorParts(row.content).forEach((t, i) => {
      termIds.push(row.id);
      parts.push(i);
      terms.push(t);
    });
  }
  return { termIds, parts, terms };
}

/** Messages' columns as parallel arrays, in the order mnemo_append takes them. */
const messageColumns = (rows: MessageInsert[]) => [
  rows.map((r) => r.id),
  rows.map((r) => r.role),
  rows.map((r) => r.content),
  rows.map((r) => r.createdAt),
  rows.map((r) => r.chatId),
  rows.map((r) => r.chatType),
  rows.map((r) => r.metadata),
];

/**
 * Up to this many messages, each content is a parameter of its own, joined to the other
 * columns by position, rather than an element of one text[] parameter: PostgreSQL parses
 * an array parameter's text character by character (40 messages of 1 MiB: 0.74 s to bind,
 * 1.0 s in all, against 0.25 and 0.49 s so). A statement per count up to this.
 */
const CONTENT_PARAMS_MAX_ROWS = 64;

/**
 * The data-modifying CTEs `ins` (messages of any conversations, RETURNING seq, id,
 * conversation_id) and `terms` (their full-text rows), with their parameters: one
 * statement however many messages.
 */
function messageRowsCte(rows: Array<MessageInsert & { conversationId: number }>) {
  const { termIds, parts, terms } = termRows(rows);
  const p = params();
  const param = p.add;
  const apart = rows.length <= CONTENT_PARAMS_MAX_ROWS;
  const sql = `ins AS (
       INSERT INTO messages (id, conversation_id, role, content, created_at, chat_id, chat_type, metadata, import_key)
       SELECT u.id, u.conversation_id, u.role, ${apart ? 'v' : 'u'}.content, u.created_at, u.chat_id, u.chat_type,
         u.metadata, u.import_key
       FROM unnest(${param(rows.map((r) => r.conversationId))}::bigint[], ${param(rows.map((r) => r.id))}::text[],
         ${param(rows.map((r) => r.role))}::text[], ${apart ? '' : `${param(rows.map((r) => r.content))}::text[], `}
         ${param(rows.map((r) => r.createdAt))}::bigint[], ${param(rows.map((r) => r.chatId))}::text[],
         ${param(rows.map((r) => r.chatType))}::text[], ${param(rows.map((r) => r.metadata))}::text[],
         ${param(rows.map((r) => r.importKey ?? null))}::text[])
         WITH ORDINALITY AS u(conversation_id, id, role, ${apart ? '' : 'content, '}created_at, chat_id, chat_type, metadata, import_key, n)
       ${apart ? `JOIN (VALUES ${rows.map((r, k) => `(${k + 1}, ${param(r.content)}::text)`).join(', ')}) AS v(n, content) ON v.n = u.n` : ''}
       ORDER BY u.n RETURNING seq, id, conversation_id),
     terms AS (
       INSERT INTO message_terms (seq, part, conversation_id, terms)
       SELECT ins.seq, x.p, ins.conversation_id, x.t::tsvector
       FROM unnest(${param(termIds)}::text[], ${param(parts)}::int[], ${param(terms)}::text[]) AS x(id, p, t)
       JOIN ins ON ins.id = x.id)`;
  return { sql, values: p.values };
}

/**
 * Inserts messages of any conversations and their full-text rows in one statement (one
 * round trip however many); returns their seqs in the order given.
 */
export async function insertMessageRows(
  tx: Queryable,
  rows: Array<MessageInsert & { conversationId: number }>,
): Promise<number[]> {
  const cte = messageRowsCte(rows);
  const inserted = await tx.prepared<{ seq: number }>(
    `WITH ${cte.sql} SELECT seq FROM ins ORDER BY seq`,
    cte.values,
  );
  return inserted.map((r) => r.seq);
}

/** Recomputes a conversation's derived fields from its messages; deletes it when none are left. */
export async function refreshConversation(tx: Queryable, id: number): Promise<void> {
  await tx.prepared(
    `UPDATE conversations c SET message_count = s.n, created_at = coalesce(s.first, c.created_at),
       updated_at = coalesce(s.last, c.updated_at)
     FROM (SELECT count(*) AS n, min(created_at) AS first, max(created_at) AS last FROM messages WHERE conversation_id = $1) s
     WHERE c.id = $1`,
    [id],
  );
  const gone = await tx.prepared(
    'DELETE FROM conversations WHERE id = $1 AND message_count = 0 RETURNING id',
    [id],
  );
  if (gone.length > 0) return;
  // The ends' starts only: a conversation of 1 MiB messages read two of them whole here.
  const ends = await tx.one<{ first: MessageStart | null; last: MessageStart }>(
    `SELECT (SELECT json_build_object('start', left(content, $3), 'more', char_length(content) > $3, 'seq', seq)
             FROM messages WHERE conversation_id = $1 AND role = 'user' ORDER BY created_at, seq LIMIT 1) AS first,
            (SELECT json_build_object('start', left(content, $2), 'more', char_length(content) > $2, 'seq', seq)
             FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC, seq DESC LIMIT 1) AS last`,
    [id, cutStartLength(PREVIEW_LENGTH), cutStartLength(TITLE_LENGTH)],
  );
  if (!ends) return;
  const title = ends.first === null ? null : await cutMessage(tx, ends.first, TITLE_LENGTH);
  await tx.prepared(
    `UPDATE conversations SET preview = $2,
       title = CASE WHEN title_custom THEN title ELSE $3 END,
       title_terms = CASE WHEN title_custom THEN title_terms ELSE $4::tsvector END WHERE id = $1`,
    [id, await cutMessage(tx, ends.last, PREVIEW_LENGTH), title, titleTerms(title)],
  );
}

/** A message's first characters, whether more follow, and its seq. */
interface MessageStart {
  start: string;
  more: boolean;
  seq: number;
}

/**
 * cut() of a message from its start as read (cutStartLength(n) characters): the whole
 * message is read only when its start is too blank to decide, or too short after the
 * U+0000 escape (db.ts) is undone.
 */
async function cutMessage(tx: Queryable, { start, more, seq }: MessageStart, n: number): Promise<string> {
  const text = unescapeText(start);
  if (!more) return cut(text, n);
  const fromStart = text.length >= cutStartLength(n) ? cutStart(text, n) : undefined;
  if (fromStart !== undefined) return fromStart;
  const whole = await tx.one<{ content: string }>('SELECT content FROM messages WHERE seq = $1', [seq]);
  return cut(whole?.content ?? text, n);
}

/** The block's flow of a Sim add, made by the append when missing. */
export interface FlowIfAbsent {
  id: string;
  name: string;
}

/** A row of mnemo_append's answer: the append's fields, and one message of the memory's first piece when asked for. */
export interface AppendRow {
  flow_created: boolean;
  flow_name: string | null;
  conv_id: number;
  newest: number | null;
  last_seq: number;
  m_time: number;
  m_seq: number;
  m_role: Role;
  m_content: string;
  m_metadata: string | null;
  m_bytes: number;
  m_rows: number;
}

/**
 * Appends messages to the live conversation of (flow, session), creating it (and `flow`,
 * when given, if missing) as needed: one statement, migration 4's mnemo_append, which
 * takes the conversation's row lock, so appends to one conversation from any process take
 * turns and its seqs grow in commit order (keyset reads never skip one). Inside `tx` when
 * it is part of a larger transaction; on its own it is one round trip and its own
 * transaction. With `piece`, its answer holds the memory's first piece up to the added
 * messages (at most `piece.rows` rows, up to the one that brings them to `piece.bytes`).
 */
export async function appendIn(
  tx: Queryable,
  flowId: string,
  sessionId: string,
  messages: NewMessage[],
  options: { flow?: FlowIfAbsent; piece?: { rows: number; bytes: number } } = {},
): Promise<{
  conversationId: number;
  messages: MessageRecord[];
  last: Position;
  flowCreated: boolean;
  flowName: string | null;
  memory: AppendRow[];
}> {
  const { flow, piece } = options;
  const now = Date.now();
  // Timed as if the conversation were empty; the statement raises each to its newest message's time.
  const rows = appendedRows(messages, sessionId, null, now);
  const firstUser = rows.find((r) => r.role === 'user');
  const title = firstUser ? cut(firstUser.content, TITLE_LENGTH) : null;
  const last = rows[rows.length - 1];
  const { termIds, parts, terms } = termRows(rows);
  // $3 to $6: the rest of the flow's row, used only when it is made.
  const flowRest = flow
    ? flowParams({ ...flow, responder: { kind: 'echo' } }).slice(2)
    : [null, null, now, 0];
  const answer = await tx.prepared<AppendRow>(
    `SELECT * FROM mnemo_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
    [
      flowId,
      flow?.name ?? null,
      ...flowRest,
      sessionId,
      ...messageColumns(rows),
      termIds,
      parts,
      terms,
      cut(last?.content ?? '', PREVIEW_LENGTH),
      title,
      titleTerms(title),
      piece?.rows ?? 0,
      piece?.bytes ?? 0,
    ],
  );
  const result = answer[0];
  if (!result) throw new Error('mnemo_append answered nothing');
  const floor = result.newest ?? Number.NEGATIVE_INFINITY;
  const timed = rows.map((r) => ({ ...r, createdAt: Math.max(r.createdAt, floor) }));
  return {
    conversationId: result.conv_id,
    flowCreated: result.flow_created,
    flowName: result.flow_name,
    last: { time: timed[timed.length - 1]?.createdAt ?? now, seq: result.last_seq },
    messages: timed.map((r) => ({
      ...r,
      flowId,
      sessionId,
      metadata: r.metadata === null ? null : JSON.parse(r.metadata),
    })),
    memory: piece ? answer : [],
  };
}

/** WHERE clause over `messages m JOIN conversations c` for a message filter. */
function messageWhere(filter: MessageFilter, p: ReturnType<typeof params>): string {
  const parts = [`c.flow_id = ${p.add(filter.flowId)}`, 'c.trashed_at IS NULL'];
  if (filter.sessionId !== undefined) parts.push(`c.session_id = ${p.add(filter.sessionId)}`);
  if (filter.chatId !== undefined) parts.push(`m.chat_id = ${p.add(filter.chatId)}`);
  if (filter.chatType !== undefined) parts.push(`m.chat_type = ${p.add(filter.chatType)}`);
  if (filter.startDate !== undefined) parts.push(`m.created_at >= ${p.add(filter.startDate)}`);
  if (filter.endDate !== undefined) parts.push(`m.created_at <= ${p.add(filter.endDate)}`);
  return parts.join(' AND ');
}

function pagedSql(
  columns: string,
  filter: MessageFilter,
  options: MessageReadOptions & { after?: Position },
  limit: number | undefined,
) {
  const p = params();
  const where = messageWhere(filter, p);
  const dir = options.order === 'DESC' ? 'DESC' : 'ASC';
  const after = options.after
    ? ` AND (m.created_at, m.seq) ${dir === 'DESC' ? '<' : '>'} (${p.add(options.after.time)}, ${p.add(options.after.seq)})`
    : '';
  const sql = `SELECT ${columns} FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE ${where}${after} ORDER BY m.created_at ${dir}, m.seq ${dir}
    LIMIT ${p.add(limit ?? null)} OFFSET ${p.add(options.after ? 0 : (options.offset ?? 0))}`;
  return { sql, values: p.values };
}

const MESSAGE_COLUMNS =
  'm.seq, m.id, m.role, m.content, m.created_at, m.chat_id, m.chat_type, m.metadata, c.flow_id, c.session_id';

export function messageQueries(db: Database) {
  /**
   * The next piece in one round trip: at most `limit` rows, up to the one that brings their
   * content to `maxChars` (the rows after it never leave the server), with how many rows
   * the window held, so the caller knows whether more follow without asking again.
   */
  async function readPiece(
    filter: MessageFilter,
    options: MessageReadOptions & { after?: Position },
    limit: number,
    maxChars: number,
  ): Promise<{ rows: MessageRow[]; read: number }> {
    const inner = pagedSql(`${MESSAGE_COLUMNS}, char_length(m.content) AS n`, filter, options, limit);
    const dir = options.order === 'DESC' ? 'DESC' : 'ASC';
    const order = `x.created_at ${dir}, x.seq ${dir}`;
    const rows = await db.prepared<MessageRow & { rows_read: number }>(
      `SELECT * FROM (SELECT x.*, sum(x.n) OVER (ORDER BY ${order} ROWS UNBOUNDED PRECEDING) - x.n AS chars_before,
         count(*) OVER () AS rows_read FROM (${inner.sql}) x) x
       WHERE x.chars_before < $${inner.values.length + 1} ORDER BY ${order}`,
      [...inner.values, maxChars],
    );
    return { rows, read: rows[0]?.rows_read ?? 0 };
  }

  return {
    appendMessages: async (flowId: string, sessionId: string, messages: NewMessage[]) => {
      const appended = await retried(() => appendIn(db, flowId, sessionId, messages));
      return { conversationId: appended.conversationId, messages: appended.messages };
    },

    /**
     * Replaces a conversation's newest message by a new one in one transaction (a
     * regenerated answer); undefined, and nothing changed, when `oldId` is no longer the
     * newest or the conversation is gone. The conversation row is locked first, as for an
     * append, so no append from another process slips in between the check and the swap.
     */
    replaceNewestMessage: (
      flowId: string,
      sessionId: string,
      oldId: string,
      message: NewMessage,
    ): Promise<MessageRecord | undefined> =>
      db.transaction(async (tx) => {
        const live = await tx.one<{ id: number }>(
          'SELECT id FROM conversations WHERE flow_id = $1 AND session_id = $2 AND trashed_at IS NULL FOR UPDATE',
          [flowId, sessionId],
        );
        if (!live) return undefined;
        const newest = await tx.one<{ id: string }>(
          'SELECT id FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC, seq DESC LIMIT 1',
          [live.id],
        );
        if (newest?.id !== oldId) return undefined;
        await tx.prepared('DELETE FROM messages WHERE id = $1 AND conversation_id = $2', [oldId, live.id]);
        const appended = await appendIn(tx, flowId, sessionId, [message]);
        await refreshConversation(tx, live.id);
        return appended.messages[0];
      }),

    getConversation: async (flowId: string, sessionId: string): Promise<ConversationRecord | undefined> => {
      const row = await db.one<PgConversationRow>(
        'SELECT * FROM conversations WHERE flow_id = $1 AND session_id = $2 AND trashed_at IS NULL',
        [flowId, sessionId],
      );
      return row && toConversation(row);
    },

    listMessages: async (filter: MessageFilter, options: MessageReadOptions): Promise<MessageRecord[]> => {
      const query = pagedSql(MESSAGE_COLUMNS, filter, options, options.limit);
      return (await db.prepared<MessageRow>(query.sql, query.values)).map(toMessage);
    },

    /** The Flowise read of any size, in pieces of at most LIST_PIECE_CHARS of content or LIST_PIECE_ROWS messages. */
    streamChatMessages: async (
      filter: MessageFilter,
      options: MessageReadOptions,
    ): Promise<{ empty: boolean; pieces: AsyncGenerator<ChatMessageRecord[]> }> => {
      const nextPiece = async (remaining: number | undefined, after?: Position) => {
        const want = Math.min(remaining ?? LIST_PIECE_ROWS, LIST_PIECE_ROWS);
        const { rows, read } = await readPiece(filter, { ...options, after }, want, LIST_PIECE_CHARS);
        // More follow when the piece stopped at its size, or the window was full.
        return { rows, more: rows.length < read || read === want };
      };
      const first = await nextPiece(options.limit);
      async function* pieces(): AsyncGenerator<ChatMessageRecord[]> {
        let piece = first;
        let remaining = options.limit;
        for (;;) {
          if (piece.rows.length > 0) {
            yield piece.rows.map((r) => ({
              id: r.id,
              role: r.role,
              content: r.content,
              createdAt: r.created_at,
              chatId: r.chat_id,
              chatType: r.chat_type,
              sessionId: r.session_id,
            }));
          }
          if (remaining !== undefined) remaining -= piece.rows.length;
          const last = piece.rows[piece.rows.length - 1];
          if (!piece.more || last === undefined || remaining === 0) return;
          piece = await nextPiece(remaining, { time: last.created_at, seq: last.seq });
        }
      }
      return { empty: first.rows.length === 0, pieces: pieces() };
    },

    countMessages: async (filter: MessageFilter): Promise<{ messages: number; sessions: number }> => {
      const p = params();
      const where = messageWhere(filter, p);
      const row = await db.prepared<{ messages: number; sessions: number }>(
        `SELECT count(*) AS messages, count(DISTINCT m.conversation_id) AS sessions FROM messages m
         JOIN conversations c ON c.id = m.conversation_id WHERE ${where}`,
        p.values,
      );
      return row[0] ?? { messages: 0, sessions: 0 };
    },

    deleteMessages: (filter: MessageFilter): Promise<MessageDeletion> =>
      db.transaction(async (tx) => {
        const p = params();
        const where = messageWhere(filter, p);
        const touched = await tx.prepared<{ id: number; session_id: string }>(
          `SELECT c.id, c.session_id FROM conversations c WHERE c.id IN
             (SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${where})
           ORDER BY c.id FOR UPDATE`,
          p.values,
        );
        const deleted = await tx.prepared(
          `DELETE FROM messages WHERE seq IN (SELECT m.seq FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${where}) RETURNING seq`,
          p.values,
        );
        const sessions: MessageDeletion['sessions'] = [];
        for (const { id, session_id } of touched) {
          await refreshConversation(tx, id);
          const still = await tx.one('SELECT 1 AS one FROM conversations WHERE id = $1', [id]);
          sessions.push({ sessionId: session_id, emptied: still === undefined });
        }
        return { count: deleted.length, sessions };
      }),

    trashConversations: (filter: MessageFilter): Promise<{ count: number; sessionIds: string[] }> =>
      db.transaction(async (tx) => {
        const p = params();
        const where = messageWhere(filter, p);
        const now = p.add(Date.now());
        const rows = await tx.prepared<{ session_id: string; message_count: number }>(
          `UPDATE conversations t SET trashed_at = ${now} WHERE t.trashed_at IS NULL AND t.id IN
             (SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${where})
           RETURNING t.session_id, t.message_count`,
          p.values,
        );
        return {
          count: rows.reduce((n, c) => n + c.message_count, 0),
          sessionIds: rows.map((c) => c.session_id),
        };
      }),
  };
}
