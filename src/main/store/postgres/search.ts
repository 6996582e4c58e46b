/** Full-text search of messages on PostgreSQL: hits across conversations, and where one conversation matches. */
import { type HitRow, type MatchPositionRecord, type SearchHitRecord, toSearchHit } from '../search';
import type { Database } from './db';
import { params } from './sql';
import { searchQuery, snippet } from './terms';

export function searchQueries(db: Database) {
  return {
    searchMessages: async (
      text: string,
      options: { flowId?: string; limit: number },
    ): Promise<SearchHitRecord[]> => {
      const query = searchQuery(text);
      if (!query || query.tsquery === null) return [];
      const p = params();
      const q = p.add(query.tsquery);
      const byFlow = options.flowId === undefined ? '' : `AND c.flow_id = ${p.add(options.flowId)}`;
      const rows = await db.prepared<HitRow & { content: string }>(
        `SELECT m.id, m.role, m.created_at, m.content, c.flow_id, c.session_id, c.title,
           (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.seq IN (SELECT seq FROM message_terms WHERE terms @@ ${q}::tsquery) AND c.trashed_at IS NULL ${byFlow}
         ORDER BY m.seq DESC LIMIT ${p.add(options.limit)}`,
        p.values,
      );
      return rows.map((row) => toSearchHit(row, snippet(row.content, query) ?? ''));
    },

    /**
     * The messages of one conversation (by its row id) whose content matches, newest
     * first, with each one's place counted from its newest message (the order of its
     * sort=DESC pages); [] for blank text.
     */
    matchPositions: async (conversationId: number, text: string): Promise<MatchPositionRecord[]> => {
      const query = searchQuery(text);
      if (!query || query.tsquery === null) return [];
      const rows = await db.prepared<{ id: string; position: number }>(
        `WITH ordered AS (
           SELECT seq, id, row_number() OVER (ORDER BY created_at DESC, seq DESC) - 1 AS position
           FROM messages WHERE conversation_id = $1)
         SELECT o.id, o.position FROM ordered o
         WHERE o.seq IN (SELECT seq FROM message_terms WHERE conversation_id = $1 AND terms @@ $2::tsquery)
         ORDER BY o.position`,
        [conversationId, query.tsquery],
      );
      return rows.map((row) => ({ messageId: row.id, position: row.position }));
    },
  };
}
