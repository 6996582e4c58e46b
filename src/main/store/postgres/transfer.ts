import { DEFAULT_FLOW_ID } from '../../../shared/schemas/flows';
import type { BulkConversation } from '../bulk-insert';
import { type FlowRow, toFlow } from '../flows';
import type { SessionFilter } from '../session-filter';
import {
  EXPORT_BATCH_CHARS,
  EXPORT_MESSAGE_PAGE,
  EXPORT_SESSION_PAGE,
  type ExportFilter,
  type ExportItem,
  type ExportMessageRow,
  freshImportMessages,
  type ImportConversation,
  type ImportFlow,
  type ImportOutcome,
  importOutcome,
  toExportMessage,
} from '../transfer';
import { bulkInsertIn } from './bulk-insert';
import type { Database, Queryable } from './db';
import { type PgSessionRow, params } from './sql';
import { searchQuery } from './terms';

/** An insert of this many messages or more is followed by ANALYZE (analyzedAfter). */
export const ANALYZE_AFTER_MESSAGES = 10_000;

const FLOW_ORDER = `ORDER BY f.id = 'default' DESC, f.name COLLATE "C", f.id COLLATE "C"`;

function exportWhere(filter: ExportFilter, p: ReturnType<typeof params>): string {
  const parts = ['c.trashed_at IS NULL'];
  if (filter.flowId !== undefined) parts.push(`c.flow_id = ${p.add(filter.flowId)}`);
  if (filter.sessionId !== undefined) parts.push(`c.session_id = ${p.add(filter.sessionId)}`);
  const { startDate, endDate } = filter as SessionFilter;
  const start = startDate === undefined ? undefined : p.add(startDate);
  const end = endDate === undefined ? undefined : p.add(endDate);
  if (start) parts.push(`c.updated_at >= ${start}`);
  if (end) parts.push(`c.created_at <= ${end}`);
  if (start && end) {
    parts.push(`(c.created_at >= ${start} OR c.updated_at <= ${end} OR EXISTS (
      SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.created_at >= ${start} AND m.created_at <= ${end}))`);
  }
  const query = searchQuery(filter.q);
  if (query) {
    if (query.tsquery === null) parts.push('false');
    else {
      const q = p.add(query.tsquery);
      parts.push(
        `(c.id IN (SELECT conversation_id FROM message_terms WHERE terms @@ ${q}::tsquery) OR c.title_terms @@ ${q}::tsquery)`,
      );
    }
  }
  return parts.join(' AND ');
}

const isEmptyFilter = (f: ExportFilter) =>
  f.flowId === undefined &&
  f.sessionId === undefined &&
  f.q === undefined &&
  f.startDate === undefined &&
  f.endDate === undefined;

async function* readExport(db: Database, filter: ExportFilter): AsyncGenerator<ExportItem[]> {
  const client = await db.connect();
  const tx = db.wrap(client);
  let committed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const p = params();
    const where = exportWhere(filter, p);
    const flows = isEmptyFilter(filter)
      ? await tx.query<FlowRow>(`SELECT f.* FROM flows f ${FLOW_ORDER}`)
      : await tx.query<FlowRow>(
          `SELECT f.* FROM flows f WHERE f.id IN (SELECT c.flow_id FROM conversations c WHERE ${where}) ${FLOW_ORDER}`,
          p.values,
        );
    yield flows.map((row) => ({ type: 'flow', flow: toFlow(row) }));
    const ids = (
      await tx.query<{ id: number }>(
        `SELECT c.id FROM conversations c WHERE ${where} ORDER BY c.id`,
        p.values,
      )
    ).map((r) => r.id);
    let items: ExportItem[] = [];
    let held = { messages: 0, chars: 0 };
    const full = () => held.messages >= EXPORT_MESSAGE_PAGE || held.chars >= EXPORT_BATCH_CHARS;
    for (let start = 0; start < ids.length; start += EXPORT_SESSION_PAGE) {
      const sessions = await tx.query<PgSessionRow>(
        `SELECT c.*, (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name FROM conversations c
         WHERE c.id = ANY($1::bigint[]) ORDER BY c.id`,
        [ids.slice(start, start + EXPORT_SESSION_PAGE)],
      );
      for (const session of sessions) {
        items.push({
          type: 'session',
          session: {
            flowId: session.flow_id,
            flowName: session.flow_name,
            sessionId: session.session_id,
            title: session.title,
            titleCustom: session.title_custom,
            messageCount: session.message_count,
            createdAt: session.created_at,
            updatedAt: session.updated_at,
          },
        });
        let position = { time: Number.MIN_SAFE_INTEGER, seq: 0 };
        for (;;) {
          // Sizes first, so a read stops as soon as the batch is full.
          const sizes = await tx.prepared<{ n: number }>(
            `SELECT char_length(content) + coalesce(char_length(metadata), 0) AS n FROM messages
             WHERE conversation_id = $1 AND (created_at, seq) > ($2, $3) ORDER BY created_at, seq LIMIT $4`,
            [session.id, position.time, position.seq, EXPORT_MESSAGE_PAGE - held.messages],
          );
          let take = 0;
          for (const size of sizes) {
            take += 1;
            held.messages += 1;
            held.chars += size.n;
            if (full()) break;
          }
          const rows =
            take === 0
              ? []
              : await tx.prepared<ExportMessageRow>(
                  `SELECT seq, id, role, content, created_at, chat_id, chat_type, metadata, import_key FROM messages
                   WHERE conversation_id = $1 AND (created_at, seq) > ($2, $3) ORDER BY created_at, seq LIMIT $4`,
                  [session.id, position.time, position.seq, take],
                );
          if (rows.length > 0) {
            items.push({
              type: 'messages',
              messages: rows.map(toExportMessage),
            });
          }
          if (!full()) break;
          yield items;
          items = [];
          held = { messages: 0, chars: 0 };
          const last = rows[rows.length - 1];
          if (!last) break;
          position = { time: last.created_at, seq: last.seq };
        }
      }
      if (items.length > 0) {
        yield items;
        items = [];
        held = { messages: 0, chars: 0 };
      }
    }
    await client.query('COMMIT');
    committed = true;
  } finally {
    // A reader that stopped early (a client gone mid-stream) leaves the snapshot's read-only
    // transaction open: it must end here, or the pool would hand it to the next writer.
    let broken = false;
    if (!committed) await client.query('ROLLBACK').catch(() => (broken = true));
    client.release(broken);
  }
}

export function transferQueries(db: Database) {
  /** A flow nobody has touched since the store created it (a fresh database's default flow). */
  const untouched = (row: FlowRow) =>
    row.id === DEFAULT_FLOW_ID &&
    row.name === 'Default' &&
    row.responder === '{"kind":"echo"}' &&
    row.retention_days === null &&
    row.created_at === row.updated_at;

  async function ensureFlow(tx: Queryable, flow: ImportFlow, now: number): Promise<boolean> {
    const values = [
      flow.id,
      flow.name,
      JSON.stringify(flow.responder),
      flow.retentionDays,
      flow.createdAt ?? now,
      flow.updatedAt ?? flow.createdAt ?? now,
    ];
    const existing = await tx.one<FlowRow>('SELECT * FROM flows WHERE id = $1 FOR UPDATE', [flow.id]);
    if (!existing) {
      const made = await tx.prepared(
        `INSERT INTO flows (id, name, responder, retention_days, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        values,
      );
      return made.length === 1;
    }
    if (untouched(existing) && flow.createdAt !== undefined) {
      await tx.prepared(
        'UPDATE flows SET name = $2, responder = $3, retention_days = $4, created_at = $5, updated_at = $6 WHERE id = $1',
        values,
      );
    }
    return false;
  }

  /**
   * After a large insert the planner's statistics are those of the tables before it (none,
   * on a fresh database): the search join and the list's first page then took 3 to 5 times
   * as long until autovacuum's ANALYZE came round (a minute or more). Taken now instead:
   * ANALYZE reads a sample of rows, so it costs about as much at a million as at ten thousand.
   */
  async function analyzedAfter<T extends { messages: number }>(inserted: T): Promise<T> {
    if (inserted.messages >= ANALYZE_AFTER_MESSAGES)
      await db.query('ANALYZE conversations, messages, message_terms');
    return inserted;
  }

  return {
    bulkInsert: async (records: BulkConversation[]) =>
      analyzedAfter(await db.transaction((tx) => bulkInsertIn(tx, records))),

    exportBatches: (filter: ExportFilter): AsyncGenerator<ExportItem[]> => readExport(db, filter),

    importConversations: async (input: {
      flows: ImportFlow[];
      conversations: ImportConversation[];
    }): Promise<ImportOutcome> => {
      const outcome = await db.transaction(async (tx) => {
        const now = Date.now();
        const flowsCreated: string[] = [];
        for (const flow of input.flows) if (await ensureFlow(tx, flow, now)) flowsCreated.push(flow.id);
        const all = input.conversations.flatMap((c) => c.messages);
        const ids = all.flatMap((m) => (m.id === undefined ? [] : [m.id]));
        const keys = all.flatMap((m) => (m.importKey ? [m.importKey] : []));
        const takenIds = new Set(
          (
            await tx.prepared<{ id: string }>('SELECT id FROM messages WHERE id = ANY($1::text[])', [ids])
          ).map((r) => r.id),
        );
        const takenKeys = new Set(
          (
            await tx.prepared<{ k: string }>(
              'SELECT import_key AS k FROM messages WHERE import_key = ANY($1::text[])',
              [keys],
            )
          ).map((r) => r.k),
        );
        const { fresh, skipped } = freshImportMessages(input.conversations, {
          id: (id) => takenIds.has(id),
          importKey: (key) => takenKeys.has(key),
        });
        const records: BulkConversation[] = [];
        for (const { conversation, messages } of fresh) {
          const live = await tx.one<{ title_custom: boolean }>(
            'SELECT title_custom FROM conversations WHERE flow_id = $1 AND session_id = $2 AND trashed_at IS NULL',
            [conversation.flowId, conversation.sessionId],
          );
          records.push({
            flowId: conversation.flowId,
            sessionId: conversation.sessionId,
            title: live?.title_custom ? undefined : conversation.title,
            messages,
          });
        }
        const inserted = records.length > 0 ? await bulkInsertIn(tx, records) : { messages: 0 };
        return { inserted, result: importOutcome(flowsCreated, records, inserted.messages, skipped) };
      });
      await analyzedAfter(outcome.inserted);
      return outcome.result;
    },
  };
}
