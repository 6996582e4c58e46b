import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../shared/schemas/sessions';
import type { Db } from './database';
import { limitParam } from './limit';
import type { TrashedMatching } from './memory-store';
import { type ConversationRow, toConversation, toMessage } from './messages';
import { pageSnippets } from './page-snippets';
import {
  type CandidateReader,
  LIST_ORDER_MIN,
  LIST_ORDER_SCAN,
  type SearchPlan,
  searchWalker,
  TRASH_SCAN_LIMIT,
  type WalkCandidate,
} from './search-list';
import { contentMatch, HITS_CTE, type SessionFilter, sessionWhere, toFtsQuery } from './session-filter';
import { statementCache } from './statement-cache';
import type { ConversationRecord, MessageRecord } from './types';
import type { WriteQueue } from './write-queue';

/** A live conversation as lists show it. */
export interface SessionSummaryRecord extends ConversationRecord {
  flowName: string;
  /** With a search text: where it matched, each match between HIGHLIGHT_START and HIGHLIGHT_END. */
  snippet?: string;
}

/** A keyset position: the sort key and row id of the last row seen. */
export interface SortKey {
  key: number;
  id: number;
}

export interface SessionListOptions {
  sort: 'ASC' | 'DESC';
  by: 'updated' | 'created';
  limit: number;
  after?: SortKey;
}

/** One page; `next` is the position after its last row, null on the last page. */
export interface Page<T> {
  items: T[];
  next: SortKey | null;
}

export type SessionRow = ConversationRow & { flow_name: string };
/** A row of a search page: also the total and the newest matching message (null: the title matched). */
type SearchRow = SessionRow & { hit_seq: number | null };

const SNIPPET_TOKENS = 16;
export const SNIPPET_ARGS = `'${HIGHLIGHT_START}', '${HIGHLIGHT_END}', '…', ${SNIPPET_TOKENS}`;
/** The flow's name by correlated lookup: a join could let the planner start from flows and sort afterwards. */
export const SESSION_COLUMNS = 'c.*, (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name';

export const toSummary = (row: SessionRow): SessionSummaryRecord => ({
  ...toConversation(row),
  flowName: row.flow_name,
});

const SORT_COLUMN = { updated: 'updated_at', created: 'created_at' } as const;

/** The page query of a session list without a search text: its SQL text depends only on which filters are set. */
function listSql(filter: SessionFilter, options: SessionListOptions) {
  const where = sessionWhere({ ...filter, q: undefined }, options.by);
  const column = `c.${SORT_COLUMN[options.by]}`;
  const dir = options.sort === 'ASC' ? 'ASC' : 'DESC';
  const parts = [where.sql];
  const params: Record<string, unknown> = { ...where.params, limit: options.limit + 1 };
  if (options.after) {
    // A row value comparison: SQLite turns it into a range on the (key, id) index.
    parts.push(`(${column}, c.id) ${dir === 'ASC' ? '>' : '<'} (@afterKey, @afterId)`);
    params.afterKey = options.after.key;
    params.afterId = options.after.id;
  }
  const sql = `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE ${parts.join(' AND ')}
    ORDER BY ${column} ${dir}, c.id ${dir} ${limitParam('limit')}`;
  return { sql, params, keyOf: (row: SessionRow) => row[SORT_COLUMN[options.by]] };
}

/**
 * Matches first (search-list.ts): every live conversation the filter matches, with its
 * sort key and newest matching message (null: only its title matched), read from one
 * materialized set of matches. Few columns per row: the caller sorts and pages them.
 */
function matchesSql(filter: SessionFilter, by: SessionListOptions['by'], fts: string) {
  const where = sessionWhere({ ...filter, q: undefined }, 'search');
  const sql = `WITH ${HITS_CTE}
    SELECT c.id, c.${SORT_COLUMN[by]} AS sort_key, h.hit_seq
    FROM (SELECT id, max(seq) AS hit_seq FROM hits GROUP BY id) h CROSS JOIN conversations c ON c.id = h.id
    WHERE ${where.sql}`;
  return { sql, params: { ...where.params, q: fts, mq: contentMatch(fts) } };
}

/**
 * Matches first with no other filter, many matched conversations (search-list.ts,
 * LIST_ORDER_MIN): the next LIST_ORDER_SCAN conversations of the live list, in its order
 * from its index, keeping those in `@ids` (a JSON array). `scanned` counts how far the list
 * went (fewer than `@scan`: to its end). The unary `+` keeps the ids from being looked up.
 */
function listOrderSql(options: SessionListOptions) {
  const column = `c.${SORT_COLUMN[options.by]}`;
  const index =
    options.by === 'updated' ? 'conversations_live_updated_span' : 'conversations_live_created_span';
  const dir = options.sort === 'ASC' ? 'ASC' : 'DESC';
  const after = options.after
    ? ` AND (${column}, c.id) ${dir === 'ASC' ? '>' : '<'} (@afterKey, @afterId)`
    : '';
  const scan = `SELECT c.id, ${column} AS sort_key FROM conversations c INDEXED BY ${index}
    WHERE c.trashed_at IS NULL${after} ORDER BY ${column} ${dir}, c.id ${dir} ${limitParam('scan')}`;
  return {
    page: `SELECT id, sort_key FROM (${scan}) WHERE +id IN (SELECT value FROM json_each(@ids))
      ORDER BY sort_key ${dir}, id ${dir} ${limitParam('limit')}`,
    scanned: `SELECT count(*) FROM (${scan})`,
  };
}

/** The walk's candidates: the list without its search text, in list order, `@count` at a time. */
function candidatesSql(filter: SessionFilter, options: SessionListOptions) {
  const where = sessionWhere({ ...filter, q: undefined }, options.by);
  const column = `c.${SORT_COLUMN[options.by]}`;
  const dir = options.sort === 'ASC' ? 'ASC' : 'DESC';
  const select = (extra: string) =>
    `SELECT c.id, ${column} AS sort_key FROM conversations c WHERE ${where.sql}${extra}
     ORDER BY ${column} ${dir}, c.id ${dir} ${limitParam('count')}`;
  return {
    first: select(''),
    after: select(` AND (${column}, c.id) ${dir === 'ASC' ? '>' : '<'} (@afterKey, @afterId)`),
    params: where.params,
  };
}

/**
 * Counting starts from the search matches when there is a search text, else from the
 * last-activity index when there is a start date (the usual recent range: few rows
 * past it), else from the creation index.
 */
function countWhere(filter: SessionFilter) {
  const access =
    toFtsQuery(filter.q) !== undefined ? 'search' : filter.startDate !== undefined ? 'updated' : 'created';
  return sessionWhere(filter, access);
}

function countSql(filter: SessionFilter) {
  const { flowId, q, startDate, endDate } = filter;
  // Nothing but a flow: the count is kept (live_counts, migration 6), not counted.
  if (toFtsQuery(q) === undefined && startDate === undefined && endDate === undefined) {
    return flowId === undefined
      ? { sql: 'SELECT coalesce(sum(conversations), 0) AS n FROM live_counts', params: {} }
      : {
          sql: 'SELECT coalesce(sum(conversations), 0) AS n FROM live_counts WHERE flow_id = @flowId',
          params: { flowId },
        };
  }
  const where = countWhere(filter);
  return { sql: `SELECT count(*) AS n FROM conversations c WHERE ${where.sql}`, params: where.params };
}

/** A search page from up to `limit + 1` rows in list order: the extra row only says there is more. */
function pageOf<T extends { id: number; sort_key: number }>(rows: T[], limit: number) {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { page, more, next: more && last ? { key: last.sort_key, id: last.id } : null };
}

export interface MessagePosition {
  time: number;
  seq: number;
}

type DetailMessageRow = Parameters<typeof toMessage>[0] & { seq: number };

export function sessionQueries(db: Db, writes: WriteQueue) {
  const cached = statementCache(db);
  const newestBatch = db.prepare<[], { n: number | null }>(
    'SELECT max(trash_batch) AS n FROM conversations WHERE trash_batch IS NOT NULL',
  );
  const liveByKey = db.prepare<[string, string], SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.flow_id = ? AND c.session_id = ? AND c.trashed_at IS NULL`,
  );
  const rename = db.prepare<[string, number]>(
    'UPDATE conversations SET title = ?, title_custom = 1 WHERE id = ?',
  );
  const trashOne = db.prepare<[number, number]>('UPDATE conversations SET trashed_at = ? WHERE id = ?');
  const deleteOne = db.prepare<[number]>('DELETE FROM conversations WHERE id = ?');
  const snippetsOf = pageSnippets(db, SNIPPET_ARGS);
  const contentsOf = db.prepare<[string], { seq: number; content: string }>(
    'SELECT seq, content FROM messages WHERE seq IN (SELECT value FROM json_each(?))',
  );

  /** Per row: from the newest matching message, else from the title. */
  function pageSnippetsOf(rows: SearchRow[], q: string): Array<string | undefined> {
    const seqs = rows.flatMap((row) => (row.hit_seq === null ? [] : [row.hit_seq]));
    const contents = new Map(contentsOf.all(JSON.stringify(seqs)).map((m) => [m.seq, m.content]));
    return snippetsOf(
      rows.map((row) => (row.hit_seq === null ? row.title : (contents.get(row.hit_seq) ?? null))),
      q,
    );
  }

  const walker = searchWalker(db);
  const rowsById = db.prepare<[string], SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.id IN (SELECT value FROM json_each(?))`,
  );
  const withSnippet = (row: SessionRow, snippet: string | undefined): SessionSummaryRecord => {
    const summary = toSummary(row);
    if (snippet !== undefined) summary.snippet = snippet;
    return summary;
  };

  /** A page of conversations found by a search, in the order found, with snippets. */
  function searchPage(page: Array<{ id: number; hit_seq: number | null }>, fts: string) {
    const byId = new Map(rowsById.all(JSON.stringify(page.map((c) => c.id))).map((row) => [row.id, row]));
    const rows = page.map((c) => ({ ...(byId.get(c.id) as SessionRow), hit_seq: c.hit_seq }));
    const snippets = pageSnippetsOf(rows, fts);
    return rows.map((row, i) => withSnippet(row, snippets[i]));
  }

  const matchedConversations = db.prepare<{ q: string; mq: string }, { id: number; hit_seq: number | null }>(
    `WITH ${HITS_CTE} SELECT id, max(seq) AS hit_seq FROM hits GROUP BY id`,
  );
  const trashSize = db
    .prepare(
      `SELECT count(*) FROM (SELECT 1 FROM conversations INDEXED BY conversations_trashed
       WHERE trashed_at IS NOT NULL LIMIT ${TRASH_SCAN_LIMIT})`,
    )
    .pluck();
  const trashedAmong = db
    .prepare<[string]>(
      `SELECT count(*) FROM conversations INDEXED BY conversations_trashed
       WHERE trashed_at IS NOT NULL AND +id IN (SELECT value FROM json_each(?))`,
    )
    .pluck();

  /** The live ones among the conversations `ids` (a JSON array), with their sort keys by `by`. */
  const liveSortKeys = (by: SessionListOptions['by'], ids: string) =>
    cached(
      `SELECT c.id, c.${SORT_COLUMN[by]} AS sort_key FROM conversations c WHERE c.trashed_at IS NULL AND c.id IN (SELECT value FROM json_each(?))`,
    ).all(ids) as WalkCandidate[];

  /**
   * Matches first with no filter but the search text: the matched conversations are read
   * once, without their rows; in many of them (LIST_ORDER_MIN), the page comes from the
   * list index (listOrderSql) and the total is they less those in the trash; in few, their
   * rows give their sort keys, as matchesSql would.
   */
  function plainMatchesFirstPage(options: SessionListOptions, fts: string) {
    const matched = matchedConversations.all({ q: fts, mq: contentMatch(fts) });
    const hitSeq = new Map(matched.map((m) => [m.id, m.hit_seq]));
    const ids = JSON.stringify(matched.map((m) => m.id));
    const withHit = (row: WalkCandidate) => ({ ...row, hit_seq: hitSeq.get(row.id) ?? null });
    const byRows = () => sortedPage(liveSortKeys(options.by, ids).map(withHit), options, fts);
    if (matched.length < LIST_ORDER_MIN || (trashSize.get() as number) >= TRASH_SCAN_LIMIT) return byRows();
    const sql = listOrderSql(options);
    const position = options.after ? { afterKey: options.after.key, afterId: options.after.id } : {};
    const rows = cached(sql.page).all({
      ids,
      scan: LIST_ORDER_SCAN,
      limit: options.limit + 1,
      ...position,
    }) as WalkCandidate[];
    // A short page is the last only if the scan reached the list's end.
    if (
      rows.length <= options.limit &&
      (cached(sql.scanned)
        .pluck()
        .get({ scan: LIST_ORDER_SCAN, ...position }) as number) >= LIST_ORDER_SCAN
    ) {
      return byRows();
    }
    const { page, next } = pageOf(rows.map(withHit), options.limit);
    const total = matched.length - (trashedAmong.get(ids) as number);
    return { items: searchPage(page, fts), next, total, totalExact: true };
  }

  /** Every matching conversation with its sort key: sorted and paged here, counted exactly. */
  function sortedPage(
    all: Array<WalkCandidate & { hit_seq: number | null }>,
    options: SessionListOptions,
    fts: string,
  ) {
    const sign = options.sort === 'ASC' ? 1 : -1;
    all.sort((a, b) => sign * (a.sort_key - b.sort_key || a.id - b.id));
    const { after } = options;
    const start = after ? all.findIndex((c) => sign * (c.sort_key - after.key || c.id - after.id) > 0) : 0;
    const { page, next } = pageOf(
      start === -1 ? [] : all.slice(start, start + options.limit + 1),
      options.limit,
    );
    return { items: searchPage(page, fts), next, total: all.length, totalExact: true };
  }

  /** Matches first of search-list.ts, counted exactly. */
  function matchesFirstPage(filter: SessionFilter, options: SessionListOptions, fts: string) {
    if (filter.flowId === undefined && filter.startDate === undefined && filter.endDate === undefined) {
      return plainMatchesFirstPage(options, fts);
    }
    const query = matchesSql(filter, options.by, fts);
    return sortedPage(
      cached(query.sql).all(query.params) as Array<WalkCandidate & { hit_seq: number | null }>,
      options,
      fts,
    );
  }

  /** The walk of search-list.ts; undefined when it gave up (too few matches in its reach). */
  function walkPage(filter: SessionFilter, options: SessionListOptions, fts: string, plan: SearchPlan) {
    const candidates = candidatesSql(filter, options);
    const read: CandidateReader = (after, count) =>
      cached(after ? candidates.after : candidates.first).all({
        ...candidates.params,
        count,
        ...(after ? { afterKey: after.key, afterId: after.id } : {}),
      }) as WalkCandidate[];
    const found = walker.walk(fts, plan, read, options.after, options.limit + 1);
    if (!found) return undefined;
    const { page, more, next } = pageOf(found, options.limit);
    return {
      items: searchPage(page, fts),
      next,
      // A first page that holds every match knows the total; otherwise it is at least what was seen.
      total: page.length + (more ? 1 : 0),
      totalExact: !more && options.after === undefined,
    };
  }

  return {
    /**
     * Live conversations matching a filter, in keyset order, with how many match in all.
     * With a search text that many messages hold, `totalExact` is false and `total` only
     * a lower bound (search-list.ts says why).
     */
    listSessions: async (
      filter: SessionFilter,
      options: SessionListOptions,
    ): Promise<Page<SessionSummaryRecord> & { total: number; totalExact: boolean }> => {
      const fts = toFtsQuery(filter.q);
      if (fts !== undefined) {
        const plan = walker.plan(fts);
        return (
          (!plan.matchesFirst && walkPage(filter, options, fts, plan)) ||
          matchesFirstPage(filter, options, fts)
        );
      }
      const list = listSql(filter, options);
      const rows = cached(list.sql).all(list.params) as SessionRow[];
      const count = countSql(filter);
      const more = rows.length > options.limit;
      const page = more ? rows.slice(0, options.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map(toSummary),
        next: more && last ? { key: list.keyOf(last), id: last.id } : null,
        total: (cached(count.sql).get(count.params) as { n: number }).n,
        totalExact: true,
      };
    },

    countSessions: async (filter: SessionFilter): Promise<number> => {
      const count = countSql(filter);
      return (cached(count.sql).get(count.params) as { n: number }).n;
    },

    getSession: async (flowId: string, sessionId: string): Promise<SessionSummaryRecord | undefined> => {
      const row = liveByKey.get(flowId, sessionId);
      return row && toSummary(row);
    },

    /**
     * A conversation's messages after a position: oldest first (ASC, ties in insertion
     * order) or newest first (DESC, the exact reverse). The page also ends after the
     * message that brings its content and metadata to `maxChars` (always at least one
     * message), with `next` from there: rows are read one at a time, so 1,000 messages
     * of 1 MiB are never held at once.
     */
    listSessionMessages: async (
      conversationId: number,
      options: { limit: number; after?: MessagePosition; maxChars: number; sort?: 'ASC' | 'DESC' },
    ): Promise<{ items: MessageRecord[]; next: MessagePosition | null }> => {
      const desc = options.sort === 'DESC';
      const after = options.after ? `AND (m.created_at, m.seq) ${desc ? '<' : '>'} (@time, @seq)` : '';
      const order = desc ? 'm.created_at DESC, m.seq DESC' : 'm.created_at, m.seq';
      const rows = cached(
        `SELECT m.*, c.flow_id, c.session_id FROM messages m CROSS JOIN conversations c ON c.id = m.conversation_id
         WHERE m.conversation_id = @id ${after} ORDER BY ${order} ${limitParam('limit')}`,
      ).iterate({
        id: conversationId,
        limit: options.limit + 1,
        ...options.after,
      }) as IterableIterator<DetailMessageRow>;
      const items: MessageRecord[] = [];
      let last: DetailMessageRow | undefined;
      let chars = 0;
      let more = false;
      for (const row of rows) {
        // One row past the page (by count or by size): there is more.
        if (items.length === options.limit || chars >= options.maxChars) {
          more = true;
          break; // ends the iterator: the statement is reset
        }
        items.push(toMessage(row));
        last = row;
        chars += row.content.length + (row.metadata?.length ?? 0);
      }
      return { items, next: more && last ? { time: last.created_at, seq: last.seq } : null };
    },

    /** Gives a live conversation a title of a person's choosing (kept from then on). */
    renameSession: (
      flowId: string,
      sessionId: string,
      title: string,
    ): Promise<SessionSummaryRecord | undefined> =>
      writes.run(() => {
        const row = liveByKey.get(flowId, sessionId);
        if (!row) return undefined;
        rename.run(title, row.id);
        const renamed = liveByKey.get(flowId, sessionId);
        return renamed && toSummary(renamed);
      }),

    /** Moves a live conversation to the trash, or deletes it for good (hard). False when there is none. */
    deleteSession: (
      flowId: string,
      sessionId: string,
      options: { hard: boolean; now: number },
    ): Promise<boolean> =>
      writes.run(() => {
        const row = liveByKey.get(flowId, sessionId);
        if (!row) return false;
        if (options.hard) deleteOne.run(row.id);
        else trashOne.run(options.now, row.id);
        return true;
      }),

    /**
     * Moves every live conversation matching the filter to the trash, in one write that
     * first counts them: when the count is not `expectedCount`, nothing moves. They share
     * one trash batch number (restoreTrashMatching restores exactly them by it): `now`,
     * or one more than the newest batch still in the trash, so a number is never shared.
     */
    trashMatching: (filter: SessionFilter, expectedCount: number, now: number): Promise<TrashedMatching> =>
      writes.run(() => {
        const where = countWhere(filter);
        const matched = (
          cached(`SELECT count(*) AS n FROM conversations c WHERE ${where.sql}`).get(where.params) as {
            n: number;
          }
        ).n;
        if (matched !== expectedCount) return { matched, trashed: null, batch: null };
        if (matched === 0) return { matched, trashed: [], batch: null };
        const batch = Math.max(now, (newestBatch.get()?.n ?? 0) + 1);
        const rows = cached(
          `UPDATE conversations AS c SET trashed_at = @now, trash_batch = @batch WHERE ${where.sql} RETURNING flow_id, session_id`,
        ).all({ ...where.params, now, batch }) as Array<{ flow_id: string; session_id: string }>;
        return { matched, trashed: rows.map((r) => ({ flowId: r.flow_id, sessionId: r.session_id })), batch };
      }),

    /** For tests and the benchmark only: SQLite's plan for a list's page query and its count. */
    debugExplain: async (
      kind: 'listSessions' | 'countSessions',
      filter: SessionFilter,
      options: SessionListOptions = { sort: 'DESC', by: 'updated', limit: 50 },
    ): Promise<string[]> => {
      const fts = toFtsQuery(filter.q);
      const query = (() => {
        if (kind === 'countSessions') return countSql(filter);
        if (fts === undefined) return listSql(filter, options);
        // A search reads either the list index (the walk's candidates) or the matches first.
        if (walker.plan(fts).matchesFirst) return matchesSql(filter, options.by, fts);
        const candidates = candidatesSql(filter, options);
        return { sql: candidates.first, params: { ...candidates.params, count: options.limit } };
      })();
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(query.params) as Array<{
        detail: string;
      }>;
      return plan.map((step) => step.detail);
    },
  };
}
