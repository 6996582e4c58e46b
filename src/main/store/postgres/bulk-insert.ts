/**
 * Whole conversations in one transaction on PostgreSQL (seeding, imports). New
 * conversations go in a few statements however many there are (their rows, then all
 * their messages): a round trip per conversation made an import of 3,000 small ones
 * take seconds. One whose key is live, or that appears twice in one call, is added to
 * the live one instead, in the order given.
 */
import type { BulkConversation } from '../bulk-insert';
import { cut, messageRow, PREVIEW_LENGTH, TITLE_LENGTH } from '../messages';
import type { Queryable } from './db';
import { insertMessageRows, insertMessages, type MessageInsert, refreshConversation } from './messages';
import { titleTerms } from './terms';

interface Prepared {
  record: BulkConversation;
  rows: MessageInsert[];
}

const keyOf = (r: { flowId: string; sessionId: string }) => `${r.flowId}\u0000${r.sessionId}`;

function prepare(record: BulkConversation, now: number): Prepared {
  const rows = record.messages.map((m) => ({
    ...messageRow(m, record.sessionId, m.createdAt ?? now),
    importKey: m.importKey ?? null,
  }));
  return { record, rows };
}

/** A new conversation's row: title, preview, count and times from its messages. */
function conversationRow({ record, rows }: Prepared) {
  let first = rows[0] as MessageInsert;
  let last = first;
  let firstUser: MessageInsert | undefined;
  for (const row of rows) {
    if (row.createdAt < first.createdAt) first = row;
    if (row.createdAt >= last.createdAt) last = row;
    if (row.role === 'user' && (!firstUser || row.createdAt < firstUser.createdAt)) firstUser = row;
  }
  const title = record.title ?? (firstUser ? cut(firstUser.content, TITLE_LENGTH) : null);
  return {
    title,
    custom: record.title !== undefined,
    terms: titleTerms(title),
    preview: cut(last.content, PREVIEW_LENGTH),
    count: rows.length,
    created: first.createdAt,
    updated: last.createdAt,
  };
}

/** Creates these conversations (keys neither live nor repeated) and all their messages: three statements. */
async function insertNew(tx: Queryable, batch: Prepared[]): Promise<void> {
  if (batch.length === 0) return;
  const made = batch.map(conversationRow);
  const ids = await tx.prepared<{ id: number }>(
    `INSERT INTO conversations (flow_id, session_id, title, title_custom, title_terms, preview, message_count, created_at, updated_at)
     SELECT flow_id, session_id, title, custom, terms::tsvector, preview, n, created, updated
     FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::bigint[])
       WITH ORDINALITY AS u(flow_id, session_id, title, custom, terms, preview, n, created, updated, i)
     ORDER BY i RETURNING id`,
    [
      batch.map((b) => b.record.flowId),
      batch.map((b) => b.record.sessionId),
      made.map((m) => m.title),
      made.map((m) => m.custom),
      made.map((m) => m.terms),
      made.map((m) => m.preview),
      made.map((m) => m.count),
      made.map((m) => m.created),
      made.map((m) => m.updated),
    ],
  );
  // Identity values are handed out in the order the rows are inserted: the i-th id is the i-th conversation's.
  const sorted = ids.map((r) => r.id).sort((a, b) => a - b);
  await insertMessageRows(
    tx,
    batch.flatMap((b, i) => b.rows.map((row) => ({ ...row, conversationId: sorted[i] as number }))),
  );
}

/** Adds one conversation's messages to the live one of its key, or creates it (inside `tx`). */
async function insertOne(tx: Queryable, prepared: Prepared): Promise<void> {
  const { record, rows } = prepared;
  const live = await tx.one<{ id: number }>(
    'SELECT id FROM conversations WHERE flow_id = $1 AND session_id = $2 AND trashed_at IS NULL FOR UPDATE',
    [record.flowId, record.sessionId],
  );
  if (!live) {
    await insertNew(tx, [prepared]);
    return;
  }
  await insertMessages(tx, live.id, rows);
  if (record.title !== undefined) {
    await tx.prepared(
      'UPDATE conversations SET title = $2, title_custom = true, title_terms = $3::tsvector WHERE id = $1',
      [live.id, record.title, titleTerms(record.title)],
    );
  }
  await refreshConversation(tx, live.id);
}

/** Inserts whole conversations inside `tx`; one whose key is live gets the messages added to it. */
export async function bulkInsertIn(
  tx: Queryable,
  records: BulkConversation[],
): Promise<{ conversations: number; messages: number }> {
  const now = Date.now();
  const prepared = records.filter((r) => r.messages.length > 0).map((r) => prepare(r, now));
  const live = new Set(
    (
      await tx.prepared<{ flow_id: string; session_id: string }>(
        `SELECT c.flow_id, c.session_id FROM conversations c
         JOIN unnest($1::text[], $2::text[]) AS k(flow_id, session_id)
           ON c.flow_id = k.flow_id AND c.session_id = k.session_id
         WHERE c.trashed_at IS NULL ORDER BY c.id FOR UPDATE OF c`,
        [prepared.map((p) => p.record.flowId), prepared.map((p) => p.record.sessionId)],
      )
    ).map((r) => keyOf({ flowId: r.flow_id, sessionId: r.session_id })),
  );
  const seen = new Map<string, number>();
  for (const p of prepared) seen.set(keyOf(p.record), (seen.get(keyOf(p.record)) ?? 0) + 1);
  const simple = (p: Prepared) => !live.has(keyOf(p.record)) && seen.get(keyOf(p.record)) === 1;
  await insertNew(tx, prepared.filter(simple));
  for (const p of prepared) if (!simple(p)) await insertOne(tx, p);
  return {
    conversations: prepared.length,
    messages: prepared.reduce((n, p) => n + p.rows.length, 0),
  };
}
