import { v7 as uuidv7 } from 'uuid';
import type { Db } from './database';
import { cut, metadataColumn, PREVIEW_LENGTH, TITLE_LENGTH } from './messages';
import type { NewMessage } from './types';
import type { WriteQueue } from './write-queue';

/** A whole conversation to insert at once (seeding, imports). */
export interface BulkConversation {
  flowId: string;
  sessionId: string;
  /** A title a person gave it; without one it comes from the first user message. */
  title?: string;
  messages: NewMessage[];
}

/**
 * The triggers on inserts this path stands in for while it runs: full text (direct and
 * deferred) and the live conversation counts (a trigger on a conversation insert also
 * opens a statement savepoint, at which FTS5 writes out the titles indexed so far).
 */
const INSERT_TRIGGERS = [
  'messages_fts_insert',
  'messages_fts_defer',
  'titles_fts_insert',
  'live_counts_insert',
];
/** Page cache while a batch runs (KiB): the indexes take rows in no particular order. */
const BULK_CACHE_KIB = 64 * 1024;
/**
 * What FTS5 may hold of a batch's index in memory before writing it out as a segment
 * (bytes; its default, 1 MiB, outside batches). At 1 MiB a batch of 100,000 messages
 * (18 MB of index) became dozens of small segments that FTS5 then merged and merged
 * again; held whole it is written once, as one segment.
 */
const BULK_FTS_HASH_BYTES = 32 * 1024 * 1024;
const FTS_HASH_BYTES = 1024 * 1024;

/**
 * The fast path for many conversations: one write (one transaction) for the whole
 * batch, derived fields computed here instead of per message. Callers send batches of
 * a few thousand conversations. The flows must exist.
 *
 * An INSERT that fires a trigger runs in a statement savepoint, and FTS5 flushes its
 * pending terms at every savepoint: through the triggers, each row would become a
 * segment of its own (about 4x slower). So for the batch the two insert triggers are
 * dropped and the index rows written here directly (the batch's messages in one
 * statement at its end: nothing in a batch deletes or changes a message), then the
 * triggers are put back from their own stored SQL, all inside the batch's transaction.
 */
export function bulkInsertQueries(db: Db, writes: WriteQueue, refreshSync: (conversationId: number) => void) {
  const findLive = db.prepare<[string, string], { id: number }>(
    'SELECT id FROM conversations WHERE flow_id = ? AND session_id = ? AND trashed_at IS NULL',
  );
  // Positional parameters: binding by name costs more, and these run a million times.
  const insertConversation = db.prepare<
    [string, string, string | null, number, string, number, number, number]
  >(
    `INSERT INTO conversations (flow_id, session_id, title, title_custom, preview, message_count, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMessage = db.prepare<
    [string, number, string, string, number, string, string, string | null, string | null]
  >(
    `INSERT INTO messages (id, conversation_id, role, content, created_at, chat_id, chat_type, metadata, import_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const lastSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM messages');
  const indexMessagesAfter = db.prepare<[number]>(
    `INSERT INTO messages_fts(rowid, content, fts_conversation)
     SELECT seq, content, fts_conversation FROM messages WHERE seq > ?`,
  );
  const optimize = db.prepare("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
  // Bound as a BigInt: FTS5 takes only an integer, and a JS number binds as a REAL.
  const setHashSize = db.prepare<[bigint]>(
    "INSERT INTO messages_fts(messages_fts, rank) VALUES ('hashsize', ?)",
  );
  const indexTitle = db.prepare<[number | bigint, string]>(
    'INSERT INTO titles_fts(rowid, title) VALUES (?, ?)',
  );
  const triggerSql = db.prepare<[string], { sql: string }>(
    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
  );
  const addLive = db.prepare<[string, number]>(
    `INSERT INTO live_counts (flow_id, conversations) VALUES (?, ?)
     ON CONFLICT (flow_id) DO UPDATE SET conversations = conversations + excluded.conversations`,
  );
  /** Conversations created per flow by the bulk write running now (added to live_counts at its end). */
  let created = new Map<string, number>();
  const setCustomTitle = db.prepare<[string, number]>(
    'UPDATE conversations SET title = ?, title_custom = 1 WHERE id = ?',
  );

  function insertOne(record: BulkConversation, now: number): number {
    const messages = record.messages;
    if (messages.length === 0) return 0;
    const live = findLive.get(record.flowId, record.sessionId);
    if (live) {
      insertMessages(record, live.id, now);
      if (record.title !== undefined) setCustomTitle.run(record.title, live.id);
      refreshSync(live.id);
      return messages.length;
    }
    // Read from the records as they are (no row objects): this runs a million times in an import.
    let first = 0;
    let last = 0;
    let firstUser = -1;
    const at = (i: number) => (messages[i] as NewMessage).createdAt ?? now;
    for (let i = 0; i < messages.length; i++) {
      const time = at(i);
      if (time < at(first)) first = i;
      if (time >= at(last)) last = i;
      if ((messages[i] as NewMessage).role === 'user' && (firstUser < 0 || time < at(firstUser)))
        firstUser = i;
    }
    const title =
      record.title ??
      (firstUser >= 0 ? cut((messages[firstUser] as NewMessage).content, TITLE_LENGTH) : null);
    const conversationId = Number(
      insertConversation.run(
        record.flowId,
        record.sessionId,
        title,
        record.title === undefined ? 0 : 1,
        cut((messages[last] as NewMessage).content, PREVIEW_LENGTH),
        messages.length,
        at(first),
        at(last),
      ).lastInsertRowid,
    );
    if (title !== null) indexTitle.run(conversationId, title);
    created.set(record.flowId, (created.get(record.flowId) ?? 0) + 1);
    insertMessages(record, conversationId, now);
    return messages.length;
  }

  /** The record's messages as rows (messages.ts messageRow, field by field). */
  function insertMessages(record: BulkConversation, conversationId: number, now: number): void {
    for (const m of record.messages) {
      insertMessage.run(
        m.id ?? uuidv7(),
        conversationId,
        m.role,
        m.content,
        m.createdAt ?? now,
        m.chatId ?? record.sessionId,
        m.chatType,
        metadataColumn(m.metadata),
        m.importKey ?? null,
      );
    }
  }

  /** Runs `work` with the full-text insert triggers set aside and a bigger cache; must run inside a write. */
  function asBulk<T>(work: () => T): T {
    const saved = INSERT_TRIGGERS.map((name) => triggerSql.get(name)?.sql);
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
    for (const name of INSERT_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    setHashSize.run(BigInt(BULK_FTS_HASH_BYTES));
    try {
      const seqBefore = lastSeq.get()?.seq ?? 0;
      created = new Map();
      const result = work();
      indexMessagesAfter.run(seqBefore);
      for (const [flowId, n] of created) addLive.run(flowId, n);
      return result;
    } finally {
      setHashSize.run(BigInt(FTS_HASH_BYTES));
      for (const sql of saved) if (sql) db.exec(sql);
      db.pragma(`cache_size = ${cacheSize}`);
    }
  }

  /** The bulk insert as part of a larger write (an import); must run inside a write. */
  function bulkInsertSync(records: BulkConversation[]): { conversations: number; messages: number } {
    return asBulk(() => {
      const now = Date.now();
      let messages = 0;
      for (const record of records) messages += insertOne(record, now);
      return { conversations: records.filter((r) => r.messages.length > 0).length, messages };
    });
  }

  return {
    bulkInsertSync,
    /** Inserts whole conversations in one transaction; one whose key is live gets the messages appended. */
    bulkInsert: (records: BulkConversation[]): Promise<{ conversations: number; messages: number }> =>
      writes.run(() => bulkInsertSync(records)),
    /**
     * Merges the full-text index into one segment (FTS5 'optimize'; about 2 s per million
     * messages). A bulk import leaves it in many: each batch writes its own, and every
     * search lookup pays per segment (search-list.ts). Run once after a large import.
     */
    optimizeSearchIndex: (): Promise<void> =>
      writes.run(() => {
        optimize.run();
      }),
  };
}
