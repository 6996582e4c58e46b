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

interface HitRow {
  id: string;
  flow_id: string;
  flow_name: string;
  session_id: string;
  title: string | null;
  role: MessageRecord['role'];
  created_at: number;
  snippet: string;
}

/** Full-text search over live conversations' messages, newest stored first. */
export const searchSql = (byFlow: boolean) =>
  `SELECT m.id, m.role, m.created_at, c.flow_id, c.session_id, c.title,
     (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name,
     snippet(messages_fts, 0, ${SNIPPET_ARGS}) AS snippet
   FROM messages_fts CROSS JOIN messages m ON m.seq = messages_fts.rowid
   CROSS JOIN conversations c ON c.id = m.conversation_id
   WHERE messages_fts MATCH @q AND c.trashed_at IS NULL ${byFlow ? 'AND c.flow_id = @flowId' : ''}
   ORDER BY messages_fts.rowid DESC ${limitParam('limit')}`;

export function searchQueries(db: Db) {
  const cached = statementCache(db);
  return {
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
      }) as HitRow[];
      return rows.map((row) => ({
        messageId: row.id,
        flowId: row.flow_id,
        flowName: row.flow_name,
        sessionId: row.session_id,
        title: row.title,
        role: row.role,
        createdAt: row.created_at,
        snippet: row.snippet,
      }));
    },
  };
}
