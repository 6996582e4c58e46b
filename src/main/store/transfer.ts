/**
 * Export and import at the store: an export reads a consistent snapshot in pages (never
 * the whole database at once); an import is one write that skips what is already there.
 */
import { DEFAULT_FLOW_ID } from '../../shared/schemas/flows';
import type { BulkConversation } from './bulk-insert';
import { type Db, openDatabase } from './database';
import { type FlowRow, toFlow } from './flows';
import { limitParam } from './limit';
import type { ConversationRow } from './messages';
import { type SessionFilter, sessionWhere } from './session-filter';
import type { SessionKeyRecord } from './trash';
import type { FlowRecord, MessageRecord, NewMessage } from './types';
import type { WriteQueue } from './write-queue';

/** Which conversations an export holds: a session-list filter, optionally one session id. */
export interface ExportFilter extends SessionFilter {
  sessionId?: string;
}

export interface ExportSessionRecord {
  flowId: string;
  flowName: string;
  sessionId: string;
  /** As stored: null when it has no user message and was never renamed. */
  title: string | null;
  titleCustom: boolean;
  messageCount: number;
  createdAt: number;
  updatedAt: number;
}

/** A message as an export reads it (lean: a million of these pass through). */
export interface ExportMessageRecord {
  id: string;
  role: MessageRecord['role'];
  content: string;
  createdAt: number;
  chatId: string;
  chatType: MessageRecord['chatType'];
  /** The metadata as stored: JSON text (JSON.stringify's), or null. */
  metadataJson: string | null;
  importKey: string | null;
}

/** What an export reads, in order: its flows, then each session followed by its messages (in pieces). */
export type ExportItem =
  | { type: 'flow'; flow: FlowRecord }
  | { type: 'session'; session: ExportSessionRecord }
  | { type: 'messages'; messages: ExportMessageRecord[] };

/** Conversations per page; at most this many messages per batch (and per read of one conversation). */
export const EXPORT_SESSION_PAGE = 500;
export const EXPORT_MESSAGE_PAGE = 500;
/**
 * A batch also ends once its messages hold this many characters (content and metadata):
 * 500 messages of 1 MiB rendered as one string would pass V8's limit on a string
 * (about 512 Mi characters), so what a batch holds is bounded by size, not only by count.
 */
export const EXPORT_BATCH_CHARS = 4 * 1024 * 1024;

export interface ImportFlow {
  id: string;
  name: string;
  responder: unknown;
  retentionDays: number | null;
  /** Mnemo files carry the flow's times; other sources take now. */
  createdAt?: number;
  updatedAt?: number;
}

export interface ImportConversation {
  flowId: string;
  sessionId: string;
  /** A title a person gave it (kept unless the live conversation has one of its own). */
  title?: string;
  messages: NewMessage[];
}

export interface ImportOutcome {
  flowsCreated: string[];
  sessions: SessionKeyRecord[];
  messages: number;
  skipped: number;
}

/**
 * The messages an import adds, per conversation that gets any: those whose id or import
 * key is neither stored (`taken`) nor came earlier in this import. Both stores import so.
 */
export function freshImportMessages(
  conversations: ImportConversation[],
  taken: { id(id: string): boolean; importKey(key: string): boolean },
): { fresh: Array<{ conversation: ImportConversation; messages: NewMessage[] }>; skipped: number } {
  const seenIds = new Set<string>();
  const seenKeys = new Set<string>();
  const isFresh = (m: NewMessage): boolean => {
    if (m.id !== undefined && (seenIds.has(m.id) || taken.id(m.id))) return false;
    if (m.importKey && (seenKeys.has(m.importKey) || taken.importKey(m.importKey))) return false;
    if (m.id !== undefined) seenIds.add(m.id);
    if (m.importKey) seenKeys.add(m.importKey);
    return true;
  };
  let skipped = 0;
  const fresh: Array<{ conversation: ImportConversation; messages: NewMessage[] }> = [];
  for (const conversation of conversations) {
    const messages = conversation.messages.filter(isFresh);
    skipped += conversation.messages.length - messages.length;
    if (messages.length > 0) fresh.push({ conversation, messages });
  }
  return { fresh, skipped };
}

const keyOf = (c: { flowId: string; sessionId: string }) => ({ flowId: c.flowId, sessionId: c.sessionId });

/** An import's answer: each conversation it added to once, and the counts. */
export function importOutcome(
  flowsCreated: string[],
  records: BulkConversation[],
  messages: number,
  skipped: number,
): ImportOutcome {
  const sessions = new Map(records.map((r) => [`${r.flowId}\u0000${r.sessionId}`, keyOf(r)]));
  return { flowsCreated, sessions: [...sessions.values()], messages, skipped };
}

type SessionRow = ConversationRow & { title_custom: number; flow_name: string };
/** A message row as an export reads it (both stores). */
export interface ExportMessageRow {
  seq: number;
  id: string;
  role: MessageRecord['role'];
  content: string;
  created_at: number;
  chat_id: string;
  chat_type: MessageRecord['chatType'];
  metadata: string | null;
  import_key: string | null;
}

const FLOW_ORDER = "ORDER BY f.id = 'default' DESC, f.name, f.id";

const toExportSession = (row: SessionRow): ExportSessionRecord => ({
  flowId: row.flow_id,
  flowName: row.flow_name,
  sessionId: row.session_id,
  title: row.title,
  titleCustom: row.title_custom === 1,
  messageCount: row.message_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toExportMessage = (row: ExportMessageRow): ExportMessageRecord => ({
  id: row.id,
  role: row.role,
  content: row.content,
  createdAt: row.created_at,
  chatId: row.chat_id,
  chatType: row.chat_type,
  metadataJson: row.metadata,
  importKey: row.import_key,
});

const isEmptyFilter = (f: ExportFilter) =>
  f.flowId === undefined &&
  f.sessionId === undefined &&
  f.q === undefined &&
  f.startDate === undefined &&
  f.endDate === undefined;

function exportWhere(filter: ExportFilter) {
  const where = sessionWhere(filter, 'search');
  if (filter.sessionId === undefined) return where;
  return {
    sql: `${where.sql} AND c.session_id = @sessionId`,
    params: { ...where.params, sessionId: filter.sessionId },
  };
}

/**
 * Reads an export from its own connection inside one read transaction: a snapshot, so
 * writes made while it streams are either wholly in it or not at all, and the writer
 * connection is never held. The matching conversations' row ids are read once; then
 * conversations come in row-id order a page at a time, each with its messages in pieces.
 */
async function* readExport(
  file: string,
  filter: ExportFilter,
  opened: Set<Db>,
): AsyncGenerator<ExportItem[]> {
  const db = openDatabase(file);
  opened.add(db);
  try {
    db.pragma('query_only = ON');
    db.exec('BEGIN');
    const where = exportWhere(filter);
    const flows = isEmptyFilter(filter)
      ? db.prepare<[], FlowRow>(`SELECT f.* FROM flows f ${FLOW_ORDER}`).all()
      : (db
          .prepare(
            `SELECT f.* FROM flows f WHERE f.id IN (SELECT c.flow_id FROM conversations c WHERE ${where.sql}) ${FLOW_ORDER}`,
          )
          .all(where.params) as FlowRow[]);
    yield flows.map((row) => ({ type: 'flow', flow: toFlow(row) }));

    // Which conversations, decided once (a search is run once, not per page): row ids
    // only, 8 bytes each. Then their rows are read a page at a time.
    const ids = db
      .prepare(`SELECT c.id FROM conversations c WHERE ${where.sql} ORDER BY c.id`)
      .pluck()
      .all(where.params) as number[];
    const sessionPage = db.prepare<[string], SessionRow>(
      `SELECT c.*, (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name FROM conversations c
       WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id`,
    );
    // One conversation's messages after a position, by its (conversation, time, seq) index.
    const messagePage = db.prepare<
      { id: number; time: number; seq: number; limit: number },
      ExportMessageRow
    >(
      `SELECT seq, id, role, content, created_at, chat_id, chat_type, metadata, import_key FROM messages
       WHERE conversation_id = @id AND (created_at, seq) > (@time, @seq) ORDER BY created_at, seq ${limitParam('limit')}`,
    );
    let items: ExportItem[] = [];
    let held = { messages: 0, chars: 0 };
    const full = () => held.messages >= EXPORT_MESSAGE_PAGE || held.chars >= EXPORT_BATCH_CHARS;
    for (let start = 0; start < ids.length; start += EXPORT_SESSION_PAGE) {
      const sessions = sessionPage.all(JSON.stringify(ids.slice(start, start + EXPORT_SESSION_PAGE)));
      for (const session of sessions) {
        items.push({ type: 'session', session: toExportSession(session) });
        let position = { time: Number.MIN_SAFE_INTEGER, seq: 0 };
        for (;;) {
          // Rows one at a time, so that a read stops as soon as the batch is full.
          const messages: ExportMessageRecord[] = [];
          let last: ExportMessageRow | undefined;
          for (const row of messagePage.iterate({
            id: session.id,
            ...position,
            limit: EXPORT_MESSAGE_PAGE,
          })) {
            messages.push(toExportMessage(row));
            last = row;
            held.messages += 1;
            held.chars += row.content.length + (row.metadata?.length ?? 0);
            if (full()) break;
          }
          if (messages.length > 0) items.push({ type: 'messages', messages });
          if (!full()) break; // the conversation's last messages: fewer than a page, batch not full
          yield items;
          items = [];
          held = { messages: 0, chars: 0 };
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
  } finally {
    opened.delete(db);
    if (db.open) {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    }
  }
}

export function transferQueries(
  db: Db,
  writes: WriteQueue,
  file: string,
  bulkInsertSync: (records: BulkConversation[]) => { conversations: number; messages: number },
) {
  const exports = new Set<Db>();
  const flowById = db.prepare<[string], FlowRow>('SELECT * FROM flows WHERE id = ?');
  const insertFlow = db.prepare(
    `INSERT INTO flows (id, name, responder, retention_days, created_at, updated_at)
     VALUES (@id, @name, @responder, @retentionDays, @createdAt, @updatedAt)`,
  );
  const replaceFlow = db.prepare(
    `UPDATE flows SET name = @name, responder = @responder, retention_days = @retentionDays,
       created_at = @createdAt, updated_at = @updatedAt WHERE id = @id`,
  );
  const messageIdTaken = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM messages WHERE id = ?');
  const importKeyTaken = db.prepare<[string], { one: number }>(
    'SELECT 1 AS one FROM messages WHERE import_key = ?',
  );
  const liveTitleCustom = db.prepare<[string, string], { title_custom: number }>(
    'SELECT title_custom FROM conversations WHERE flow_id = ? AND session_id = ? AND trashed_at IS NULL',
  );

  /** A flow nobody has touched since the store created it (a fresh data dir's default flow). */
  const untouched = (row: FlowRow) =>
    row.id === DEFAULT_FLOW_ID &&
    row.name === 'Default' &&
    row.responder === '{"kind":"echo"}' &&
    row.retention_days === null &&
    row.created_at === row.updated_at;

  function ensureFlow(flow: ImportFlow, now: number): boolean {
    const params = {
      id: flow.id,
      name: flow.name,
      responder: JSON.stringify(flow.responder),
      retentionDays: flow.retentionDays,
      createdAt: flow.createdAt ?? now,
      updatedAt: flow.updatedAt ?? flow.createdAt ?? now,
    };
    const existing = flowById.get(flow.id);
    if (!existing) {
      insertFlow.run(params);
      return true;
    }
    // Settings a person made are never overwritten; the untouched default takes the file's.
    if (untouched(existing) && flow.createdAt !== undefined) replaceFlow.run(params);
    return false;
  }

  return {
    /** Streams an export: batches of items, read page by page from a snapshot. */
    exportBatches: (filter: ExportFilter): AsyncGenerator<ExportItem[]> => readExport(file, filter, exports),

    /**
     * Imports conversations in one write: flows that are missing are created, messages
     * whose id or import key is already stored (or came earlier in this import) are
     * skipped, and the rest go in through the bulk path. All or nothing.
     */
    importConversations: (input: {
      flows: ImportFlow[];
      conversations: ImportConversation[];
    }): Promise<ImportOutcome> =>
      writes.run(() => {
        const now = Date.now();
        const flowsCreated = input.flows.filter((flow) => ensureFlow(flow, now)).map((flow) => flow.id);
        const { fresh, skipped } = freshImportMessages(input.conversations, {
          id: (id) => Boolean(messageIdTaken.get(id)),
          importKey: (key) => Boolean(importKeyTaken.get(key)),
        });
        const records: BulkConversation[] = fresh.map(({ conversation, messages }) => {
          const keepsOwnTitle =
            liveTitleCustom.get(conversation.flowId, conversation.sessionId)?.title_custom === 1;
          return { ...keyOf(conversation), title: keepsOwnTitle ? undefined : conversation.title, messages };
        });
        const inserted = records.length > 0 ? bulkInsertSync(records) : { messages: 0 };
        return importOutcome(flowsCreated, records, inserted.messages, skipped);
      }),

    /** Closes the connections of exports still streaming (the store is closing). */
    closeExports: (): void => {
      for (const reader of exports) reader.close();
      exports.clear();
    },
  };
}
