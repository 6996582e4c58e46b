/** The session list, one session's messages, the trash, retention and search on PostgreSQL. */
import { toConversation, toMessage } from '../messages';
import type { SearchHitRecord } from '../search';
import type { SessionFilter } from '../session-filter';
import type { MessagePosition, Page, SessionListOptions, SessionSummaryRecord, SortKey } from '../sessions';
import type { SessionKeyRecord, TrashRecord } from '../trash';
import type { MessageRecord } from '../types';
import type { Database, Queryable } from './db';
import { refreshConversation } from './messages';
import { type PgSessionRow, params, SESSION_COLUMNS, toSummary } from './sql';
import { type SearchQuery, searchQuery, snippet, titleTerms } from './terms';

const DAY_MS = 24 * 60 * 60 * 1000;
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
    const row = await db.prepared<{ n: number }>(
      `SELECT count(*) AS n FROM conversations c WHERE ${fullWhere(filter, p)}`,
      p.values,
    );
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
      // Ids first from the covering list index, then their rows (PostgreSQL would fetch every row to check a date).
      const ids = await db.prepared<{ id: number; sort_key: number }>(
        `SELECT c.id, ${column} AS sort_key FROM conversations c WHERE ${where}${after}
         ORDER BY ${column} ${dir}, c.id ${dir} LIMIT ${p.add(options.limit + 1)}`,
        p.values,
      );
      const more = ids.length > options.limit;
      const page = more ? ids.slice(0, options.limit) : ids;
      const rows = await rowsByIds(page.map((r) => r.id));
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toSummary(rows.get(r.id) as PgSessionRow)),
        next: more && last ? { key: last.sort_key, id: last.id } : null,
        total: await countSessions({ ...filter, q: undefined }),
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
      const from = `FROM messages m WHERE m.conversation_id = ${id} ${after} ORDER BY ${order}`;
      // Sizes first: a page of 1,000 messages of 1 MiB is never read whole.
      const sizes = await db.prepared<{ n: number }>(
        `SELECT char_length(m.content) + coalesce(char_length(m.metadata), 0) AS n ${from} LIMIT $${p.values.length + 1}`,
        [...p.values, options.limit + 1],
      );
      let take = 0;
      let chars = 0;
      for (const size of sizes) {
        if (take === options.limit || chars >= options.maxChars) break;
        take += 1;
        chars += size.n;
      }
      const more = take < sizes.length;
      const rows = await db.prepared<Parameters<typeof toMessage>[0] & { seq: number }>(
        `SELECT m.*, c.flow_id, c.session_id FROM (SELECT m.* ${from} LIMIT $${p.values.length + 1}) m
         JOIN conversations c ON c.id = m.conversation_id ORDER BY ${order}`,
        [...p.values, take],
      );
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

    trashMatching: (
      filter: SessionFilter,
      expectedCount: number,
      now: number,
    ): Promise<{ matched: number; trashed: Array<{ flowId: string; sessionId: string }> | null }> =>
      db.transaction(async (tx) => {
        const p = params();
        const where = fullWhere(filter, p);
        // Locked while counted: what is counted is what moves.
        const ids = await tx.prepared<{ id: number }>(
          `SELECT c.id FROM conversations c WHERE ${where} ORDER BY c.id FOR UPDATE`,
          p.values,
        );
        if (ids.length !== expectedCount) return { matched: ids.length, trashed: null };
        const rows = await tx.prepared<{ flow_id: string; session_id: string }>(
          'UPDATE conversations SET trashed_at = $2 WHERE id = ANY($1::bigint[]) RETURNING flow_id, session_id',
          [ids.map((r) => r.id), now],
        );
        return {
          matched: ids.length,
          trashed: rows.map((r) => ({ flowId: r.flow_id, sessionId: r.session_id })),
        };
      }),

    listTrash: async (options: {
      limit: number;
      after?: SortKey;
    }): Promise<Page<TrashRecord> & { total: number }> => {
      const p = params();
      const after = options.after
        ? `AND (c.trashed_at, c.id) < (${p.add(options.after.key)}, ${p.add(options.after.id)})`
        : '';
      const rows = await db.prepared<PgSessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.trashed_at IS NOT NULL ${after}
         ORDER BY c.trashed_at DESC, c.id DESC LIMIT ${p.add(options.limit + 1)}`,
        p.values,
      );
      const more = rows.length > options.limit;
      const page = more ? rows.slice(0, options.limit) : rows;
      const last = page[page.length - 1];
      const total = await db.one<{ n: number }>(
        'SELECT count(*) AS n FROM conversations WHERE trashed_at IS NOT NULL',
      );
      return {
        items: page.map((row) => ({
          ...toConversation(row),
          flowName: row.flow_name,
          trashedAt: row.trashed_at ?? 0,
        })),
        next: more && last ? { key: last.trashed_at ?? 0, id: last.id } : null,
        total: total?.n ?? 0,
      };
    },

    restoreTrash: (ids: number[]): Promise<SessionKeyRecord[]> =>
      db.transaction(async (tx) => {
        const restored: SessionKeyRecord[] = [];
        for (const id of ids) {
          const row = await tx.one<PgSessionRow>(
            'SELECT * FROM conversations WHERE id = $1 AND trashed_at IS NOT NULL FOR UPDATE',
            [id],
          );
          if (!row) continue;
          const live = await tx.one<{ id: number }>(
            'SELECT id FROM conversations WHERE flow_id = $1 AND session_id = $2 AND trashed_at IS NULL FOR UPDATE',
            [row.flow_id, row.session_id],
          );
          if (live) {
            await tx.prepared('UPDATE messages SET conversation_id = $1 WHERE conversation_id = $2', [
              live.id,
              row.id,
            ]);
            await tx.prepared('UPDATE message_terms SET conversation_id = $1 WHERE conversation_id = $2', [
              live.id,
              row.id,
            ]);
            if (row.title_custom) {
              await tx.prepared(
                `UPDATE conversations SET title = $1, title_custom = true, title_terms = (SELECT title_terms FROM conversations WHERE id = $3)
                 WHERE id = $2 AND NOT title_custom`,
                [row.title, live.id, row.id],
              );
            }
            await tx.prepared('DELETE FROM conversations WHERE id = $1', [row.id]);
            await refreshConversation(tx, live.id);
          } else {
            await tx.prepared('UPDATE conversations SET trashed_at = NULL WHERE id = $1', [row.id]);
          }
          restored.push({ flowId: row.flow_id, sessionId: row.session_id });
        }
        return restored;
      }),

    purgeTrash: async (ids?: number[]): Promise<number> => {
      const rows =
        ids === undefined
          ? await db.prepared('DELETE FROM conversations WHERE trashed_at IS NOT NULL RETURNING id')
          : await db.prepared(
              'DELETE FROM conversations WHERE trashed_at IS NOT NULL AND id = ANY($1::bigint[]) RETURNING id',
              [ids],
            );
      return rows.length;
    },

    expireTrash: async (cutoff: number): Promise<number> =>
      (
        await db.prepared(
          'DELETE FROM conversations WHERE trashed_at IS NOT NULL AND trashed_at < $1 RETURNING id',
          [cutoff],
        )
      ).length,

    trashIdle: async (now: number): Promise<SessionKeyRecord[]> => {
      const rows = await db.prepared<{ flow_id: string; session_id: string }>(
        `UPDATE conversations c SET trashed_at = $1 FROM flows f
         WHERE f.id = c.flow_id AND f.retention_days IS NOT NULL AND c.trashed_at IS NULL
           AND c.updated_at < $1 - f.retention_days::bigint * ${DAY_MS}
         RETURNING c.flow_id, c.session_id`,
        [now],
      );
      return rows.map((row) => ({ flowId: row.flow_id, sessionId: row.session_id }));
    },

    searchMessages: async (
      text: string,
      options: { flowId?: string; limit: number },
    ): Promise<SearchHitRecord[]> => {
      const query = searchQuery(text);
      if (!query || query.tsquery === null) return [];
      const p = params();
      const q = p.add(query.tsquery);
      const byFlow = options.flowId === undefined ? '' : `AND c.flow_id = ${p.add(options.flowId)}`;
      const rows = await db.prepared<{
        id: string;
        role: MessageRecord['role'];
        created_at: number;
        content: string;
        flow_id: string;
        session_id: string;
        title: string | null;
        flow_name: string;
      }>(
        `SELECT m.id, m.role, m.created_at, m.content, c.flow_id, c.session_id, c.title,
           (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.seq IN (SELECT seq FROM message_terms WHERE terms @@ ${q}::tsquery) AND c.trashed_at IS NULL ${byFlow}
         ORDER BY m.seq DESC LIMIT ${p.add(options.limit)}`,
        p.values,
      );
      return rows.map((row) => ({
        messageId: row.id,
        flowId: row.flow_id,
        flowName: row.flow_name,
        sessionId: row.session_id,
        title: row.title,
        role: row.role,
        createdAt: row.created_at,
        snippet: snippet(row.content, query) ?? '',
      }));
    },
  };
}
