import type { Db } from './database';
import { limitParam } from './limit';
import { contentMatch, MATCHED_MESSAGES } from './session-filter';

/**
 * How a page of the session list with a search text is found (SPEC 9: first page ≤ 10 ms).
 *
 * - matches first, when few messages match: every match is mapped to its conversation
 *   (through the (seq, conversation) index), and those are filtered, sorted and counted,
 *   so the total is exact. Cost grows with the number of matches: 8,000 cost 25 to 35 ms.
 *   With no other filter and many matched conversations, their rows are not read: the page
 *   comes from the list index (LIST_ORDER_MIN below).
 * - the walk, when many match: the list is read in its own order and asked, for a batch
 *   of conversations at once, which of them hold a match, until the page is full. A word
 *   in many messages fills a page after a few dozen rows; the total is then only known to
 *   be at least what the page shows. A walk reads at most WALK_ROWS conversations; when
 *   those hold no full page, matches first answers after all. A batch is asked in one of
 *   two ways:
 *   - FTS5, naming the conversations (migration 7: one term lookup per conversation and
 *     index segment, 15 to 30 µs a conversation with the four segments appends leave;
 *     see search-upkeep.ts). The first batch always, and every batch of a word in many
 *     messages: a few dozen conversations fill its page.
 *   - the set of the word's matching messages, when a page needs hundreds of
 *     conversations and the word is in fewer than SET_WALK_LIMIT messages: each
 *     conversation's seqs are read from its time index and kept when in the set, which
 *     SQLite builds once per batch from the word's doclist. 2 to 3 µs a conversation
 *     and 0.1 µs a matching message, however many segments the index has.
 */
export const MATCHES_FIRST_LIMIT = 3_000;
/**
 * Matches first with no filter but the search text, when the matches are in at least this
 * many conversations: the page is read from the list index in list order, keeping the
 * matched conversations, instead of each matched conversation's row for its sort key (one
 * random page read each, 628 for a word in 632 messages). From the list index, 51 of 628
 * conversations among 100,000 are about 8,000 entries in, 70 pages read in order. Fewer
 * matched conversations, and the walk to 51 of them would be longer than the lookups.
 */
export const LIST_ORDER_MIN = 400;
/**
 * How far into the list a page read in list order looks (about 2 ms): a word in 400 of
 * 100,000 conversations spread evenly has 51 of them within 12,750. A word only in old
 * conversations would have the list read to its end (10 ms); past this, the rows are read.
 */
export const LIST_ORDER_SCAN = 20_000;
/** Counting the matched conversations that are in the trash scans the trash: past this many trashed, the rows are read instead. */
export const TRASH_SCAN_LIMIT = 10_000;
/** Title matches up to this many are read once as a set; more are looked up per row. */
const TITLE_SET_LIMIT = 5_000;
/**
 * The most conversations one walk reads before matches first takes over. A page not full
 * by then means fewer than 1 in 60 of the list's conversations match, where reading the
 * matches first costs less than walking on; and it bounds what a walk can waste (a word
 * common in one flow, searched in another: about 20 ms on a merged index).
 */
export const WALK_ROWS = 3_000;
/** Conversations asked about at first (a common word needs few); later as many as the rate so far says. */
const FIRST_BATCH = 64;
const MAX_BATCH = 1_024;
/** A word in fewer messages than this is walked against the set of its matches (see above). */
export const SET_WALK_LIMIT = 20_000;
/**
 * Batches this large or larger go against the set: for fewer conversations, counting the
 * matches (up to SET_WALK_LIMIT) and reading them costs more than asking FTS5 about each.
 */
const SET_WALK_BATCH = 256;

/**
 * A batch of the walk against the set of matches: which of the conversations `@ids` (a
 * JSON array) hold a message matching `@mq`, and the newest that does. INDEXED BY: the
 * seqs come from the conversations' time index, never from reading the message table by
 * the set's seqs.
 */
export const NEWEST_IN_SET_SQL = `SELECT conversation_id AS id, max(seq) AS seq
  FROM messages INDEXED BY messages_conversation_time
  WHERE conversation_id IN (SELECT value FROM json_each(@ids))
    AND seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @mq)
  GROUP BY conversation_id`;

export interface SearchPlan {
  matchesFirst: boolean;
  /** Few titles match: read them once as a set instead of one lookup per row. */
  titlesAsSet: boolean;
}

export interface WalkCandidate {
  id: number;
  sort_key: number;
}

/** A conversation the walk found, with its newest matching message (null: only its title matched). */
export interface WalkMatch extends WalkCandidate {
  hit_seq: number | null;
}

/** Candidates in list order after a position; the caller's statement applies the other filters. */
export type CandidateReader = (
  after: { key: number; id: number } | undefined,
  count: number,
) => WalkCandidate[];

export function searchWalker(db: Db) {
  const probe = db.prepare<{ q: string; mq: string; messages: number; titles: number }>(
    `SELECT
       (SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH @mq ${limitParam('messages')})) AS messages,
       (SELECT count(*) FROM (SELECT 1 FROM titles_fts WHERE titles_fts MATCH @q ${limitParam('titles')})) AS titles`,
  );
  const titleMatches = db.prepare<[string, number]>(
    'SELECT 1 FROM titles_fts WHERE titles_fts MATCH ? AND rowid = ?',
  );
  const titleSet = db.prepare<[string], { id: number }>(
    'SELECT rowid AS id FROM titles_fts WHERE titles_fts MATCH ?',
  );
  const newestMatches = db.prepare<[string], { id: number; seq: number }>(
    `SELECT m.conversation_id AS id, max(m.seq) AS seq FROM ${MATCHED_MESSAGES}
     WHERE messages_fts MATCH ? GROUP BY m.conversation_id`,
  );
  const countMatches = db
    .prepare<{ mq: string; limit: number }>(
      `SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH @mq ${limitParam('limit')})`,
    )
    .pluck();
  const newestInSet = db.prepare<{ ids: string; mq: string }, { id: number; seq: number }>(NEWEST_IN_SET_SQL);
  /** messages_fts query: the search text in the content of these conversations' messages. */
  const inConversations = (fts: string, ids: number[]) =>
    `${contentMatch(fts)} AND fts_conversation : (${ids.map((id) => `"${id}"`).join(' OR ')})`;

  return {
    /** Which way to go, from counts of matches made only up to the limits (never a read of every match). */
    plan(fts: string): SearchPlan {
      const found = probe.get({
        q: fts,
        mq: contentMatch(fts),
        messages: MATCHES_FIRST_LIMIT,
        titles: TITLE_SET_LIMIT,
      }) as { messages: number; titles: number };
      const titlesAsSet = found.titles < TITLE_SET_LIMIT;
      return { matchesFirst: found.messages < MATCHES_FIRST_LIMIT && titlesAsSet, titlesAsSet };
    },

    /**
     * Walks the list from `after` and returns the first `want` matching conversations,
     * or undefined when WALK_ROWS candidates held fewer (the caller then goes matches first).
     */
    walk(
      fts: string,
      plan: SearchPlan,
      read: CandidateReader,
      after: { key: number; id: number } | undefined,
      want: number,
    ): WalkMatch[] | undefined {
      const titles = plan.titlesAsSet ? new Set(titleSet.all(fts).map((row) => row.id)) : undefined;
      const titleMatch = (id: number) => (titles ? titles.has(id) : titleMatches.get(fts, id) !== undefined);
      const found: WalkMatch[] = [];
      let position = after;
      let scanned = 0;
      let batch = FIRST_BATCH;
      /** Decided once, at the first batch of SET_WALK_BATCH or more. */
      let bySet: boolean | undefined;
      while (scanned < WALK_ROWS) {
        const count = Math.min(batch, WALK_ROWS - scanned);
        const rows = read(position, count);
        if (bySet === undefined && rows.length >= SET_WALK_BATCH) {
          bySet =
            (countMatches.get({ mq: contentMatch(fts), limit: SET_WALK_LIMIT }) as number) < SET_WALK_LIMIT;
        }
        // One query for the whole batch answers both: which conversations hold a
        // matching message, and the newest that does.
        const ids = rows.map((row) => row.id);
        const matches =
          ids.length === 0
            ? []
            : bySet
              ? newestInSet.all({ ids: JSON.stringify(ids), mq: contentMatch(fts) })
              : newestMatches.all(inConversations(fts, ids));
        const newest = new Map(matches.map((match) => [match.id, match.seq]));
        for (const row of rows) {
          const seq = newest.get(row.id) ?? null;
          if (seq === null && !titleMatch(row.id)) continue;
          found.push({ ...row, hit_seq: seq });
          if (found.length === want) return found;
        }
        // The list ended: what was found is all there is.
        if (rows.length < count) return found;
        scanned += rows.length;
        const last = rows[rows.length - 1] as WalkCandidate;
        position = { key: last.sort_key, id: last.id };
        // Enough for the rest of the page at the rate seen so far, and a quarter more:
        // each conversation asked about costs a term lookup, found or not. Against the
        // set a conversation costs a tenth of that but every batch reads the word's
        // matches again, so one batch may take the rest of the walk.
        const most = bySet ? WALK_ROWS : MAX_BATCH;
        const rate = found.length / scanned;
        const needed = rate === 0 ? most : Math.ceil(((want - found.length) / rate) * 1.25);
        batch = Math.min(Math.max(needed, FIRST_BATCH), most);
      }
      return undefined;
    },
  };
}
