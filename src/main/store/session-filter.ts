import { toFtsQuery } from '../../shared/search-query';

/** Which live conversations a list, a count or a bulk delete addresses (times in epoch ms). */
export interface SessionFilter {
  flowId?: string;
  /** A person's search text: FTS5 over message content and titles. */
  q?: string;
  startDate?: number;
  endDate?: number;
}

/** The search language (shared/search-query.ts) as an FTS5 query; undefined for blank text. */
export { toFtsQuery } from '../../shared/search-query';

/**
 * The FTS5 query for messages_fts: only its content column. Its other column holds each
 * message's conversation id (migration 7), which a person's search must never match.
 */
export const contentMatch = (fts: string): string => `content : (${fts})`;

/**
 * How the planner may read conversations: `updated` / `created` walks that list
 * index (in sort order, for a page; the other date column is then only checked, from
 * the same covering index); `search` starts from the search matches (for counts).
 */
export type Access = 'updated' | 'created' | 'search';

/**
 * A MATCH on messages_fts with each match's conversation: read from the (seq,
 * conversation) index, migration 8. SQLite would read the message's row by its rowid,
 * one page of the message table per match; the index holds hundreds per page.
 */
export const MATCHED_MESSAGES =
  'messages_fts JOIN messages m INDEXED BY messages_seq_conversation ON m.seq = messages_fts.rowid';

/**
 * The search matches as a table `hits(id, seq)`: the conversation and message of each
 * matching message, and each conversation whose title matches (seq NULL). Materialized
 * once per statement, so a page and its total share it.
 */
export const HITS_CTE = `hits(id, seq) AS MATERIALIZED (
  SELECT m.conversation_id, m.seq FROM ${MATCHED_MESSAGES} WHERE messages_fts MATCH @mq
  UNION ALL SELECT rowid, NULL FROM titles_fts WHERE titles_fts MATCH @q)`;

/**
 * The WHERE clause over `conversations c` for a filter. The SQL text depends only on
 * which fields are set, so statements can be cached by it. A unary `+` keeps a term
 * from choosing the index, so the plan is the one `access` names whatever the data.
 *
 * Dates: a conversation matches when at least one of its messages lies in the range.
 * Its created_at/updated_at are its first and last message times, so a conversation
 * whose first or last message is inside matches at once; only one that spans the
 * whole range needs a look at its messages (through messages_conversation_time).
 */
export function sessionWhere(
  filter: SessionFilter,
  access: Access,
  /** `hits`: the statement defines HITS_CTE, and the search text is read from it. */
  matches: 'inline' | 'hits' = 'inline',
): { sql: string; params: Record<string, unknown> } {
  const parts = ['c.trashed_at IS NULL'];
  const params: Record<string, unknown> = {};
  if (filter.flowId !== undefined) {
    parts.push('c.flow_id = @flowId');
    params.flowId = filter.flowId;
  }
  const { startDate, endDate } = filter;
  if (startDate !== undefined) {
    parts.push(`${access === 'updated' ? '' : '+'}c.updated_at >= @startDate`);
    params.startDate = startDate;
  }
  if (endDate !== undefined) {
    parts.push(`${access === 'created' ? '' : '+'}c.created_at <= @endDate`);
    params.endDate = endDate;
  }
  if (startDate !== undefined && endDate !== undefined) {
    parts.push(`(c.created_at >= @startDate OR c.updated_at <= @endDate OR EXISTS (
      SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.created_at >= @startDate AND m.created_at <= @endDate))`);
  }
  const fts = toFtsQuery(filter.q);
  if (fts !== undefined) {
    // IN builds its set once per statement and drops the duplicates UNION ALL leaves.
    const set =
      matches === 'hits'
        ? 'SELECT id FROM hits'
        : `SELECT m.conversation_id FROM ${MATCHED_MESSAGES} WHERE messages_fts MATCH @mq
      UNION ALL SELECT rowid FROM titles_fts WHERE titles_fts MATCH @q`;
    parts.push(`${access === 'search' ? '' : '+'}c.id IN (${set})`);
    params.q = fts;
    params.mq = contentMatch(fts);
  }
  return { sql: parts.join(' AND '), params };
}
