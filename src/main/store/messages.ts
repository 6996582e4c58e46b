import { v7 as uuidv7 } from 'uuid';
import type { ChatType, Role } from '../../shared/schemas/common';
import type { Db } from './database';
import { limitParam } from './limit';
import { statementCache } from './statement-cache';
import type {
  ChatMessageRecord,
  ConversationRecord,
  MessageFilter,
  MessageRecord,
  NewMessage,
} from './types';
import type { WriteQueue } from './write-queue';

export const TITLE_LENGTH = 80;
export const PREVIEW_LENGTH = 200;

interface MessageRow {
  id: string;
  flow_id: string;
  session_id: string;
  role: MessageRecord['role'];
  content: string;
  created_at: number;
  chat_id: string;
  chat_type: MessageRecord['chatType'];
  metadata: string | null;
}

export interface ConversationRow {
  id: number;
  flow_id: string;
  session_id: string;
  title: string | null;
  preview: string;
  message_count: number;
  created_at: number;
  updated_at: number;
  trashed_at: number | null;
}

export const toMessage = (row: MessageRow): MessageRecord => ({
  id: row.id,
  flowId: row.flow_id,
  sessionId: row.session_id,
  role: row.role,
  content: row.content,
  createdAt: row.created_at,
  chatId: row.chat_id,
  chatType: row.chat_type,
  metadata: row.metadata === null ? null : JSON.parse(row.metadata),
});

export const toConversation = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  flowId: row.flow_id,
  sessionId: row.session_id,
  title: row.title,
  preview: row.preview,
  messageCount: row.message_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  trashedAt: row.trashed_at,
});

/** What a Flowise-style delete removed: messages, and per conversation whether it went too. */
export interface MessageDeletion {
  count: number;
  sessions: Array<{ sessionId: string; emptied: boolean }>;
}

/** Whitespace that flattening rewrites: a run of two or more, or any but a plain space. */
const UNEVEN_SPACE = /\s\s|[^\S ]/;

/** How much of a text's start `cutStart` needs (UTF-16 units; at least as many characters will do). */
export const cutStartLength = (n: number): number => 8 * n + 2;

/**
 * cut(text, n) from the text's first cutStartLength(n) units or more (`start`, shorter
 * than the text), when they decide it; undefined when only the whole text can (its start
 * is mostly whitespace). Lets a store read a long message's start only.
 */
export function cutStart(start: string, n: number): string | undefined {
  // Only the start can show: a long message (up to 1 MiB) is flattened and split into
  // characters from a prefix, unless whitespace leaves that prefix too short.
  const chars = Array.from(
    start
      .slice(0, 8 * n)
      .replace(/\s+/g, ' ')
      .trimStart(),
  );
  // Two to spare: the whole text may end in one trimmed space, the slice may split a pair.
  return chars.length >= n + 2 ? `${chars.slice(0, n - 1).join('')}…` : undefined;
}

/** Cuts text to n characters (not UTF-16 units), on one line. */
export function cut(text: string, n: number): string {
  if (text.length > 8 * n) {
    const fromStart = cutStart(text, n);
    if (fromStart !== undefined) return fromStart;
  }
  // Most texts space their words with single spaces: flattening them changes nothing, and
  // finding that out costs a fifth of rewriting them.
  const flat = (UNEVEN_SPACE.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
  if (flat.length <= n) return flat;
  // Counts characters as Array.from does (a surrogate pair is one) without building the
  // array: this runs twice per conversation of an import.
  let end = 0;
  let count = 0;
  for (let i = 0; i < flat.length; count++) {
    if (count === n - 1) end = i;
    if (count === n) return `${flat.slice(0, end)}…`;
    const unit = flat.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff && (flat.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    i += pair ? 2 : 1;
  }
  return flat;
}

/** WHERE clause for a message filter; the SQL text depends only on which fields are set. */
function messageWhere(filter: MessageFilter): { sql: string; params: Record<string, unknown> } {
  const parts = ['c.flow_id = @flowId', 'c.trashed_at IS NULL'];
  if (filter.sessionId !== undefined) parts.push('c.session_id = @sessionId');
  if (filter.chatId !== undefined) parts.push('m.chat_id = @chatId');
  if (filter.chatType !== undefined) parts.push('m.chat_type = @chatType');
  if (filter.startDate !== undefined) parts.push('m.created_at >= @startDate');
  if (filter.endDate !== undefined) parts.push('m.created_at <= @endDate');
  return { sql: parts.join(' AND '), params: { ...filter } };
}

interface PageOptions {
  order: 'ASC' | 'DESC';
  limit?: number;
  offset?: number;
  /** Only messages after this position (created_at, seq) in the order: where a piece ended. */
  after?: { time: number; seq: number };
}

/** Matching messages by time, paged; `columns` is the select list. */
function pagedMessagesSql(
  columns: string,
  filter: MessageFilter,
  options: PageOptions,
): { sql: string; params: Record<string, unknown> } {
  const where = messageWhere(filter);
  const dir = options.order === 'DESC' ? 'DESC' : 'ASC';
  const after = options.after
    ? ` AND (m.created_at, m.seq) ${dir === 'DESC' ? '<' : '>'} (@afterTime, @afterSeq)`
    : '';
  const sql = `SELECT ${columns} FROM messages m
    JOIN conversations c ON c.id = m.conversation_id
    WHERE ${where.sql}${after} ORDER BY m.created_at ${dir}, m.seq ${dir} ${limitParam('limit')} OFFSET @offset`;
  const params = { ...where.params, limit: options.limit ?? -1, offset: options.offset ?? 0 };
  return {
    sql,
    params: options.after
      ? { ...params, afterTime: options.after.time, afterSeq: options.after.seq }
      : params,
  };
}

/** The Flowise chat-message read (one piece of it, when `after` is given). */
/** A new message as a row: its id (given or a UUIDv7), defaults, metadata as text, at `createdAt`. */
export function messageRow(m: NewMessage, sessionId: string, createdAt: number) {
  return {
    id: m.id ?? uuidv7(),
    role: m.role,
    content: m.content,
    createdAt,
    chatId: m.chatId ?? sessionId,
    chatType: m.chatType,
    metadata: metadataColumn(m.metadata),
  };
}

/** A message's metadata as stored: JSON, or NULL when there is none. */
export const metadataColumn = (metadata: NewMessage['metadata']): string | null =>
  metadata && Object.keys(metadata).length > 0 ? JSON.stringify(metadata) : null;

/**
 * Appended messages as rows. Reads order a conversation by time, so a message is never
 * timed before the one appended ahead of it (`newest`, the conversation's newest time): a
 * clock set back cannot move new messages before older ones (live appends only; imports
 * keep the times their files give). Both stores append so.
 */
export function appendedRows(
  messages: NewMessage[],
  sessionId: string,
  newest: number | null | undefined,
  now: number,
): Array<ReturnType<typeof messageRow>> {
  let floor = newest ?? Number.NEGATIVE_INFINITY;
  return messages.map((m) => {
    floor = Math.max(m.createdAt ?? now, floor);
    return messageRow(m, sessionId, floor);
  });
}

export const listMessagesSql = (filter: MessageFilter, options: PageOptions) =>
  pagedMessagesSql(
    'm.id, m.role, m.content, m.created_at, m.chat_id, m.chat_type, c.session_id, m.seq',
    filter,
    options,
  );

type ChatMessageRow = [string, Role, string, number, string, ChatType, string, number];

const toChatMessage = ([id, role, content, createdAt, chatId, chatType, sessionId]: ChatMessageRow) => ({
  id,
  role,
  content,
  createdAt,
  chatId,
  chatType,
  sessionId,
});

/** A piece of a streamed list holds at most this many characters of content (and one message more)... */
const LIST_PIECE_CHARS = 4 * 1024 * 1024;
/** ...and at most this many messages. */
const LIST_PIECE_ROWS = 2000;

export function messageQueries(db: Db, writes: WriteQueue) {
  const cached = statementCache(db);

  const findLive = db.prepare<[string, string], ConversationRow>(
    'SELECT * FROM conversations WHERE flow_id = ? AND session_id = ? AND trashed_at IS NULL',
  );
  // The id alone is in the key index: no lookup of the conversation's row.
  const findLiveId = db
    .prepare<[string, string], number>(
      'SELECT id FROM conversations WHERE flow_id = ? AND session_id = ? AND trashed_at IS NULL',
    )
    .pluck();
  const byId = db.prepare<[number], ConversationRow>('SELECT * FROM conversations WHERE id = ?');
  // The last entry of the (conversation, time, seq) index: one lookup.
  const newestTime = db
    .prepare<[number], number | null>('SELECT max(created_at) FROM messages WHERE conversation_id = ?')
    .pluck();
  const insertConversation = db.prepare(
    'INSERT INTO conversations (flow_id, session_id, created_at, updated_at) VALUES (?, ?, ?, ?)',
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, role, content, created_at, chat_id, chat_type, metadata)
     VALUES (@id, @conversationId, @role, @content, @createdAt, @chatId, @chatType, @metadata)`,
  );
  const bumpConversation = db.prepare(
    `UPDATE conversations SET
       message_count = message_count + @count,
       created_at = MIN(created_at, @first),
       preview = CASE WHEN @last >= updated_at THEN @preview ELSE preview END,
       updated_at = MAX(updated_at, @last),
       title = CASE WHEN title IS NULL AND title_custom = 0 THEN @title ELSE title END
     WHERE id = @id`,
  );
  const refreshConversation = db.prepare(
    `UPDATE conversations SET
       message_count = (SELECT count(*) FROM messages WHERE conversation_id = @id),
       created_at = COALESCE((SELECT min(created_at) FROM messages WHERE conversation_id = @id), created_at),
       updated_at = COALESCE((SELECT max(created_at) FROM messages WHERE conversation_id = @id), updated_at)
     WHERE id = @id`,
  );
  const firstUserMessage = db.prepare<[number], { content: string }>(
    `SELECT content FROM messages WHERE conversation_id = ? AND role = 'user' ORDER BY created_at, seq LIMIT 1`,
  );
  const lastMessage = db.prepare<[number], { content: string }>(
    'SELECT content FROM messages WHERE conversation_id = ? ORDER BY created_at DESC, seq DESC LIMIT 1',
  );
  const setDerivedText = db.prepare(
    `UPDATE conversations SET preview = @preview,
       title = CASE WHEN title_custom = 0 THEN @title ELSE title END WHERE id = @id`,
  );
  const deleteIfEmpty = db.prepare<[number]>('DELETE FROM conversations WHERE id = ? AND message_count = 0');
  const newestId = db
    .prepare<[number], string>(
      'SELECT id FROM messages WHERE conversation_id = ? ORDER BY created_at DESC, seq DESC LIMIT 1',
    )
    .pluck();
  const deleteOne = db.prepare<[string, number]>('DELETE FROM messages WHERE id = ? AND conversation_id = ?');
  const trashOne = db.prepare<[number, number]>(
    'UPDATE conversations SET trashed_at = ? WHERE id = ? AND trashed_at IS NULL',
  );

  /** Recomputes a conversation's derived fields from its messages; deletes it when none are left. */
  function refreshSync(id: number): void {
    refreshConversation.run({ id });
    if (deleteIfEmpty.run(id).changes === 1) return;
    const title = firstUserMessage.get(id)?.content;
    setDerivedText.run({
      id,
      title: title === undefined ? null : cut(title, TITLE_LENGTH),
      preview: cut(lastMessage.get(id)?.content ?? '', PREVIEW_LENGTH),
    });
  }

  /** Appends messages to a live conversation, creating it if needed. Must run inside a write. */
  function appendSync(
    flowId: string,
    sessionId: string,
    messages: NewMessage[],
  ): { conversationId: number; messages: MessageRecord[]; last: { time: number; seq: number } } {
    const now = Date.now();
    let conversationId = findLiveId.get(flowId, sessionId);
    const newest = conversationId === undefined ? undefined : newestTime.get(conversationId);
    const rows = appendedRows(messages, sessionId, newest as number | null | undefined, now);
    const times = rows.map((r) => r.createdAt);
    const first = Math.min(...times);
    const last = Math.max(...times);
    if (conversationId === undefined) {
      conversationId = Number(insertConversation.run(flowId, sessionId, first, last).lastInsertRowid);
    }
    let lastSeq = 0;
    for (const row of rows) lastSeq = Number(insertMessage.run({ ...row, conversationId }).lastInsertRowid);
    const latest = rows.reduce((a, b) => (b.createdAt >= a.createdAt ? b : a));
    const firstUser = rows.find((r) => r.role === 'user');
    bumpConversation.run({
      id: conversationId,
      count: rows.length,
      first,
      last,
      preview: cut(latest.content, PREVIEW_LENGTH),
      title: firstUser ? cut(firstUser.content, TITLE_LENGTH) : null,
    });
    return {
      conversationId,
      // The newest of them: rows are timed in order and seq grows.
      last: { time: last, seq: lastSeq },
      messages: rows.map((r) => ({
        ...r,
        flowId,
        sessionId,
        metadata: r.metadata === null ? null : JSON.parse(r.metadata),
      })),
    };
  }

  return {
    appendSync,
    refreshSync,
    /** Appends messages to one conversation in one transaction (group-committed with other writes). */
    appendMessages: (flowId: string, sessionId: string, messages: NewMessage[]) =>
      writes.run(() => appendSync(flowId, sessionId, messages)),

    /**
     * Replaces a conversation's newest message by a new one in one transaction (a
     * regenerated answer). Undefined, and nothing changed, when that message is no longer
     * the newest (or the conversation is gone).
     */
    replaceNewestMessage: (
      flowId: string,
      sessionId: string,
      oldId: string,
      message: NewMessage,
    ): Promise<MessageRecord | undefined> =>
      writes.run(() => {
        const conversationId = findLiveId.get(flowId, sessionId);
        if (conversationId === undefined || newestId.get(conversationId) !== oldId) return undefined;
        deleteOne.run(oldId, conversationId);
        const appended = appendSync(flowId, sessionId, [message]);
        refreshSync(conversationId);
        return appended.messages[0];
      }),

    getConversation: async (flowId: string, sessionId: string): Promise<ConversationRecord | undefined> => {
      const row = findLive.get(flowId, sessionId);
      return row && toConversation(row);
    },

    /** Messages matching a filter, by time (ties in insertion order). */
    listMessages: async (
      filter: MessageFilter,
      options: { order: 'ASC' | 'DESC'; limit?: number; offset?: number },
    ): Promise<MessageRecord[]> => {
      const query = pagedMessagesSql('m.*, c.flow_id, c.session_id', filter, options);
      return (cached(query.sql).all(query.params) as MessageRow[]).map(toMessage);
    },

    /**
     * The Flowise read of any size, in pieces of at most LIST_PIECE_CHARS of content or
     * LIST_PIECE_ROWS messages: each piece is one read of the statement, stopped at its
     * bound, and the next goes on after the position where it stopped (yielding between
     * pieces). Most reads are one piece: the query as it ever was. `empty` is known before
     * any piece is read.
     */
    streamChatMessages: async (
      filter: MessageFilter,
      options: { order: 'ASC' | 'DESC'; limit?: number; offset?: number },
    ): Promise<{ empty: boolean; pieces: AsyncGenerator<ChatMessageRecord[]> }> => {
      const readPiece = (limit: number | undefined, after?: { time: number; seq: number }) => {
        const query = listMessagesSql(filter, {
          ...options,
          limit,
          offset: after ? 0 : options.offset,
          after,
        });
        const rows: ChatMessageRow[] = [];
        let chars = 0;
        for (const row of cached(query.sql).raw().iterate(query.params) as IterableIterator<ChatMessageRow>) {
          rows.push(row);
          chars += row[2].length;
          // Leaving the loop early ends the statement, so the next piece may use the connection.
          if (chars >= LIST_PIECE_CHARS || rows.length >= LIST_PIECE_ROWS) return { rows, more: true };
        }
        return { rows, more: false };
      };
      const first = readPiece(options.limit);
      async function* pieces(): AsyncGenerator<ChatMessageRecord[]> {
        let piece = first;
        let remaining = options.limit;
        for (;;) {
          if (piece.rows.length > 0) yield piece.rows.map(toChatMessage);
          if (remaining !== undefined) remaining -= piece.rows.length;
          const last = piece.rows[piece.rows.length - 1];
          if (!piece.more || last === undefined || remaining === 0) return;
          piece = readPiece(remaining, { time: last[3], seq: last[7] });
        }
      }
      return { empty: first.rows.length === 0, pieces: pieces() };
    },

    countMessages: async (filter: MessageFilter): Promise<{ messages: number; sessions: number }> => {
      const where = messageWhere(filter);
      const sql = `SELECT count(*) AS messages, count(DISTINCT m.conversation_id) AS sessions FROM messages m
        JOIN conversations c ON c.id = m.conversation_id WHERE ${where.sql}`;
      return cached(sql).get(where.params) as { messages: number; sessions: number };
    },

    /**
     * Deletes the messages matching a filter in one transaction; conversations left
     * empty go too, the others get their derived fields recomputed. Returns how many
     * messages went and which conversations they came from.
     */
    deleteMessages: (filter: MessageFilter): Promise<MessageDeletion> =>
      writes.run(() => {
        const where = messageWhere(filter);
        const touched = cached(
          `SELECT DISTINCT c.id, c.session_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${where.sql}`,
        ).all(where.params) as Array<{ id: number; session_id: string }>;
        const count = cached(
          `DELETE FROM messages WHERE seq IN (SELECT m.seq FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${where.sql})`,
        ).run(where.params).changes;
        const sessions = touched.map(({ id, session_id }) => {
          refreshSync(id);
          return { sessionId: session_id, emptied: byId.get(id) === undefined };
        });
        return { count, sessions };
      }),

    /**
     * Moves every live conversation with at least one message matching the filter to
     * the trash, whole, in one transaction. Returns how many messages they hold and
     * their session ids.
     */
    trashConversations: (filter: MessageFilter): Promise<{ count: number; sessionIds: string[] }> =>
      writes.run(() => {
        const where = messageWhere(filter);
        const matching = cached(
          `SELECT t.id, t.session_id, t.message_count FROM conversations t WHERE t.id IN
             (SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${where.sql})`,
        ).all(where.params) as Array<{ id: number; session_id: string; message_count: number }>;
        const now = Date.now();
        for (const { id } of matching) trashOne.run(now, id);
        return {
          count: matching.reduce((n, c) => n + c.message_count, 0),
          sessionIds: matching.map((c) => c.session_id),
        };
      }),
  };
}
