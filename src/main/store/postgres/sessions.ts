/** The session list, one session's messages, renames, deletes and bulk trash on PostgreSQL. */

import type { TrashedMatching } from '../memory-store';
import { toMessage } from '../messages';
import type { SessionFilter } from '../session-filter';
import type { MessagePosition, Page, SessionListOptions, SessionSummaryRecord } from '../sessions';
import type { MessageRecord } from '../types';
import type { Database, Queryable } from './db';
import { type PgSessionRow, params, SESSION_COLUMNS, toSummary } from './sql';
import { type SearchQuery, searchQuery, snippet, titleTerms } from './terms';

/** Advisory lock key under which a bulk delete takes its trash batch number ('mnemo' in ASCII, then 2). */
const TRASH_BATCH_LOCK = 0x6d6e656d6f02;
const SORT_COLUMN = { updated: 'updated_at', created: 'created_at' } as const;

/** WHERE over `conversations c` for a filter (its search text apart). */
function sessionWhere(filter: SessionFilter, p: ReturnType<typeof params>): string {
  const parts = ['c.trashed_at IS NULL'];
  if (filter.flowId !== undefined) parts.push(`c.flow_id = ${p.add(filter.flowId)}`);
  const { startDate, endDate } = filter;
  const start = startDate === undefined ? undefined : p.add(startDate);
  const end = endDate === undefined ? undefined : p.add(endDate);
  if (start) parts.push(`c.updated_at >= ${start}`);
  if (end) parts.push(`c.created_at <= ${end}`);
  // A conversation that spans the whole range matches when one of its messages lies inside.
  if (start && end) {
    parts.push(`(c.created_at >= ${start} OR c.updated_at <= ${end} OR EXISTS (
      SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.created_at >= ${start} AND m.created_at <= ${end}))`);
  }
  return parts.join(' AND ');
}

/** The search condition on `c` (a text of symbols only matches nothing). */
function searchCondition(query: SearchQuery, p: ReturnType<typeof params>): string {
  if (query.tsquery === null) return 'false';
  const q = p.add(query.tsquery);
  return `(c.id IN (SELECT conversation_id FROM message_terms WHERE terms @@ ${q}::tsquery) OR c.title_terms @@ ${q}::tsquery)`;
}

function fullWhere(filter: SessionFilter, p: ReturnType<typeof params>): string {
  const query = searchQuery(filter.q);
  const where = sessionWhere(filter, p);
  return query ? `${where} AND ${searchCondition(query, p)}` : where;
}

/**
 * A scalar subquery giving how many live conversations match the filter: without dates or
 * search words, the trigger-kept counts (migration 3), not a scan of every live conversation.
 */
function countSql(filter: SessionFilter, p: ReturnType<typeof params>): string {
  if (filter.startDate === undefined && filter.endDate === undefined && searchQuery(filter.q) === undefined) {
    const byFlow = filter.flowId === undefined ? '' : ` WHERE flow_id = ${p.add(filter.flowId)}`;
    return `(SELECT coalesce(sum(n), 0)::bigint FROM live_counts${byFlow})`;
  }
  return `(SELECT count(*) FROM conversations c WHERE ${fullWhere(filter, p)})`;
}

export function sessionQueries(db: Database) {
  const rowsByIds = async (ids: number[]) =>
    new Map(
      (
        await db.prepared<PgSessionRow>(
          `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.id = ANY($1::bigint[])`,
          [ids],
        )
      ).map((row) => [row.id, row]),
    );

  async function countSessions(filter: SessionFilter): Promise<number> {
    const p = params();
    const row = await db.prepared<{ n: number }>(`SELECT ${countSql(filter, p)} AS n`, p.values);
    return row[0]?.n ?? 0;
  }

  /** A search: every match found, sorted and paged here, counted exactly; snippets from each newest matching message. */
  async function searchPage(filter: SessionFilter, options: SessionListOptions, query: SearchQuery) {
    if (query.tsquery === null) return { items: [], next: null, total: 0, totalExact: true };
    const p = params();
    const where = sessionWhere(filter, p);
    const q = p.add(query.tsquery);
    const all = await db.prepared<{ id: number; sort_key: number; hit_seq: number | null }>(
      `WITH hits AS (SELECT conversation_id AS id, max(seq) AS hit_seq FROM message_terms
                     WHERE terms @@ ${q}::tsquery GROUP BY conversation_id)
       SELECT c.id, c.${SORT_COLUMN[options.by]} AS sort_key, h.hit_seq FROM conversations c LEFT JOIN hits h ON h.id = c.id
       WHERE ${where} AND (h.id IS NOT NULL OR c.title_terms @@ ${q}::tsquery)`,
      p.values,
    );
    const sign = options.sort === 'ASC' ? 1 : -1;
    all.sort((a, b) => sign * (a.sort_key - b.sort_key || a.id - b.id));
    const { after } = options;
    const start = after ? all.findIndex((c) => sign * (c.sort_key - after.key || c.id - after.id) > 0) : 0;
    const window = start === -1 ? [] : all.slice(start, start + options.limit + 1);
    const more = window.length > options.limit;
    const page = more ? window.slice(0, options.limit) : window;
    const last = page[page.length - 1];
    const rows = await rowsByIds(page.map((c) => c.id));
    const seqs = page.flatMap((c) => (c.hit_seq === null ? [] : [c.hit_seq]));
    const contents = new Map(
      (
        await db.prepared<{ seq: number; content: string }>(
          'SELECT seq, content FROM messages WHERE seq = ANY($1::bigint[])',
          [seqs],
        )
      ).map((m) => [m.seq, m.content]),
    );
    const items = page.map((c) => {
      const row = rows.get(c.id) as PgSessionRow;
      const summary: SessionSummaryRecord = toSummary(row);
      const text = c.hit_seq === null ? row.title : contents.get(c.hit_seq);
      const cut = text ? snippet(text, query) : undefined;
      if (cut !== undefined) summary.snippet = cut;
      return summary;
    });
    return {
      items,
      next: more && last ? { key: last.sort_key, id: last.id } : null,
      total: all.length,
      totalExact: true,
    };
  }

  const liveByKey = (tx: Queryable, flowId: string, sessionId: string) =>
    tx.one<PgSessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.flow_id = $1 AND c.session_id = $2 AND c.trashed_at IS NULL`,
      [flowId, sessionId],
    );

  return {
    listSessions: async (
      filter: SessionFilter,
      options: SessionListOptions,
    ): Promise<Page<SessionSummaryRecord> & { total: number; totalExact: boolean }> => {
      const query = searchQuery(filter.q);
      if (query) return searchPage(filter, options, query);
      const p = params();
      const where = sessionWhere(filter, p);
      const column = `c.${SORT_COLUMN[options.by]}`;
      const dir = options.sort === 'ASC' ? 'ASC' : 'DESC';
      const after = options.after
        ? ` AND (${column}, c.id) ${dir === 'ASC' ? '>' : '<'} (${p.add(options.after.key)}, ${p.add(options.after.id)})`
        : '';
      const limit = p.add(options.limit + 1);
      const total = countSql({ ...filter, q: undefined }, p);
      // One round trip: the page's ids from the covering list index first, then their rows
      // (PostgreSQL would fetch every row to check a date), and the total.
      const rows = await db.prepared<PgSessionRow & { sort_key: number; total: number }>(
        `WITH page AS (SELECT c.id, ${column} AS sort_key FROM conversations c WHERE ${where}${after}
           ORDER BY ${column} ${dir}, c.id ${dir} LIMIT ${limit})
         SELECT page.sort_key, ${SESSION_COLUMNS}, ${total} AS total FROM page JOIN conversations c ON c.id = page.id
         ORDER BY page.sort_key ${dir}, c.id ${dir}`,
        p.values,
      );
      const more = rows.length > options.limit;
      const page = more ? rows.slice(0, options.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map(toSummary),
        next: more && last ? { key: last.sort_key, id: last.id } : null,
        total: rows[0]?.total ?? (await countSessions({ ...filter, q: undefined })),
        totalExact: true,
      };
    },

    countSessions,

    getSession: async (flowId: string, sessionId: string): Promise<SessionSummaryRecord | undefined> => {
      const row = await liveByKey(db, flowId, sessionId);
      return row && toSummary(row);
    },

    listSessionMessages: async (
      conversationId: number,
      options: { limit: number; after?: MessagePosition; maxChars: number; sort?: 'ASC' | 'DESC' },
    ): Promise<{ items: MessageRecord[]; next: MessagePosition | null }> => {
      const desc = options.sort === 'DESC';
      const p = params();
      const id = p.add(conversationId);
      const after = options.after
        ? `AND (m.created_at, m.seq) ${desc ? '<' : '>'} (${p.add(options.after.time)}, ${p.add(options.after.seq)})`
        : '';
      const order = desc ? 'm.created_at DESC, m.seq DESC' : 'm.created_at, m.seq';
      const limit = p.add(options.limit);
      const maxChars = p.add(options.maxChars);
      const window = `ORDER BY ${order.replaceAll('m.', 'x.')} ROWS UNBOUNDED PRECEDING`;
      // One round trip: one row past the page says whether more follow; the running size
      // sum keeps the rows past maxChars (a page of 1,000 messages of 1 MiB) on the server.
      const rows = await db.prepared<Parameters<typeof toMessage>[0] & { seq: number; rows_read: number }>(
        `SELECT x.*, c.flow_id, c.session_id FROM (
           SELECT x.*, sum(x.n) OVER (${window}) - x.n AS chars_before, row_number() OVER (${window}) AS k,
             count(*) OVER () AS rows_read
           FROM (SELECT m.*, char_length(m.content) + coalesce(char_length(m.metadata), 0) AS n
                 FROM messages m WHERE m.conversation_id = ${id} ${after} ORDER BY ${order} LIMIT ${limit} + 1) x) x
         JOIN conversations c ON c.id = x.conversation_id
         WHERE x.k <= ${limit} AND x.chars_before < ${maxChars} ORDER BY ${order.replaceAll('m.', 'x.')}`,
        p.values,
      );
      const more = rows.length < (rows[0]?.rows_read ?? 0);
      const last = rows[rows.length - 1];
      return {
        items: rows.map(toMessage),
        next: more && last ? { time: last.created_at, seq: last.seq } : null,
      };
    },

    renameSession: (
      flowId: string,
      sessionId: string,
      title: string,
    ): Promise<SessionSummaryRecord | undefined> =>
      db.transaction(async (tx) => {
        const row = await liveByKey(tx, flowId, sessionId);
        if (!row) return undefined;
        await tx.prepared(
          'UPDATE conversations SET title = $2, title_custom = true, title_terms = $3::tsvector WHERE id = $1',
          [row.id, title, titleTerms(title)],
        );
        const renamed = await liveByKey(tx, flowId, sessionId);
        return renamed && toSummary(renamed);
      }),

    deleteSession: (
      flowId: string,
      sessionId: string,
      options: { hard: boolean; now: number },
    ): Promise<boolean> =>
      db.transaction(async (tx) => {
        const row = await liveByKey(tx, flowId, sessionId);
        if (!row) return false;
        if (options.hard) await tx.prepared('DELETE FROM conversations WHERE id = $1', [row.id]);
        else
          await tx.prepared('UPDATE conversations SET trashed_at = $2 WHERE id = $1', [row.id, options.now]);
        return true;
      }),

    /**
     * Moves every live conversation matching the filter to the trash, in one transaction
     * that first counts them (locked): when the count is not `expectedCount`, nothing moves.
     * They share one trash batch number, `now` or one more than the newest batch still in
     * the trash, taken under a transaction lock so two processes never share one.
     */
    trashMatching: (filter: SessionFilter, expectedCount: number, now: number): Promise<TrashedMatching> =>
      db.transaction(async (tx) => {
        const p = params();
        const where = fullWhere(filter, p);
        const ids = await tx.prepared<{ id: number }>(
          `SELECT c.id FROM conversations c WHERE ${where} ORDER BY c.id FOR UPDATE`,
          p.values,
        );
        if (ids.length !== expectedCount) return { matched: ids.length, trashed: null, batch: null };
        if (ids.length === 0) return { matched: 0, trashed: [], batch: null };
        await tx.query('SELECT pg_advisory_xact_lock($1)', [TRASH_BATCH_LOCK]);
        const newest = await tx.one<{ n: number | null }>(
          'SELECT max(trash_batch) AS n FROM conversations WHERE trash_batch IS NOT NULL',
        );
        const batch = Math.max(now, (newest?.n ?? 0) + 1);
        const rows = await tx.prepared<{ flow_id: string; session_id: string }>(
          `UPDATE conversations SET trashed_at = $2, trash_batch = $3 WHERE id = ANY($1::bigint[])
           RETURNING flow_id, session_id`,
          [ids.map((r) => r.id), now, batch],
        );
        return {
          matched: ids.length,
          trashed: rows.map((r) => ({ flowId: r.flow_id, sessionId: r.session_id })),
          batch,
        };
      }),
  };
}
