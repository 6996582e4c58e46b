import type { Db } from './database';
import { limitParam } from './limit';
import { contentMatch, toFtsQuery } from './session-filter';
import { SNIPPET_ARGS } from './sessions';
import { statementCache } from './statement-cache';
import type { MessageRecord } from './types';

export interface SearchHitRecord {
  messageId: string;
  flowId: string;
  flowName: string;
  sessionId: string;
  title: string | null;
  role: MessageRecord['role'];
  createdAt: number;
  snippet: string;
}

/** A search hit's row as both stores read it (SQLite's also carries FTS5's snippet). */
export interface HitRow {
  id: string;
  flow_id: string;
  flow_name: string;
  session_id: string;
  title: string | null;
  role: MessageRecord['role'];
  created_at: number;
}

/** A hit's record from its row and the snippet its store made. */
export const toSearchHit = (row: HitRow, snippet: string): SearchHitRecord => ({
  messageId: row.id,
  flowId: row.flow_id,
  flowName: row.flow_name,
  sessionId: row.session_id,
  title: row.title,
  role: row.role,
  createdAt: row.created_at,
  snippet,
});

/** Full-text search over live conversations' messages, newest stored first. */
export const searchSql = (byFlow: boolean) =>
  `SELECT m.id, m.role, m.created_at, c.flow_id, c.session_id, c.title,
     (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name,
     snippet(messages_fts, 0, ${SNIPPET_ARGS}) AS snippet
   FROM messages_fts CROSS JOIN messages m ON m.seq = messages_fts.rowid
   CROSS JOIN conversations c ON c.id = m.conversation_id
   WHERE messages_fts MATCH @q AND c.trashed_at IS NULL ${byFlow ? 'AND c.flow_id = @flowId' : ''}
   ORDER BY messages_fts.rowid DESC ${limitParam('limit')}`;

/** A match inside one conversation: the message, and how many messages are newer than it. */
export interface MatchPositionRecord {
  messageId: string;
  position: number;
}

/**
 * The messages of one conversation whose content matches, newest first, with each one's
 * place in the conversation counted from its newest message (the order of its sort=DESC
 * pages, so a reader knows which page holds it). The matches come from one FTS5 lookup
 * narrowed to the conversation (migration 7's column); the places from the conversation's
 * time index alone, so a 5,000-message conversation is read once, without its rows.
 */
const MATCH_POSITIONS_SQL = `WITH
  hits(seq) AS MATERIALIZED (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @mq),
  ordered(seq, position) AS (
    SELECT seq, row_number() OVER (ORDER BY created_at DESC, seq DESC) - 1
    FROM messages INDEXED BY messages_conversation_time WHERE conversation_id = @conversation)
  SELECT m.id, o.position FROM ordered o JOIN hits h ON h.seq = o.seq JOIN messages m ON m.seq = o.seq
  ORDER BY o.position`;

export function searchQueries(db: Db) {
  const cached = statementCache(db);
  const matchPositions = db.prepare<{ mq: string; conversation: number }, { id: string; position: number }>(
    MATCH_POSITIONS_SQL,
  );
  return {
    /** Where `text` matches in one conversation (by its row id), newest first; [] for blank text. */
    matchPositions: async (conversationId: number, text: string): Promise<MatchPositionRecord[]> => {
      const q = toFtsQuery(text);
      if (q === undefined) return [];
      const mq = `${contentMatch(q)} AND fts_conversation : "${conversationId}"`;
      return matchPositions
        .all({ mq, conversation: conversationId })
        .map((row) => ({ messageId: row.id, position: row.position }));
    },

    /**
     * Messages of live conversations whose content has every term of `text`, most
     * recently stored first: FTS5 hands out its matches in rowid order, so the newest
     * `limit` hits are found without ranking every match.
     */
    searchMessages: async (
      text: string,
      options: { flowId?: string; limit: number },
    ): Promise<SearchHitRecord[]> => {
      const q = toFtsQuery(text);
      if (q === undefined) return [];
      const rows = cached(searchSql(options.flowId !== undefined)).all({
        q: contentMatch(q),
        limit: options.limit,
        ...(options.flowId === undefined ? {} : { flowId: options.flowId }),
      }) as Array<HitRow & { snippet: string }>;
      return rows.map((row) => toSearchHit(row, row.snippet));
    },
  };
}
