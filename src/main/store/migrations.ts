import fs from 'node:fs';
import type { Db } from './database';

/** `PRAGMA application_id` of a Mnemo database: "MNMO" in ASCII (ownership.ts). */
export const MNEMO_APPLICATION_ID = 0x4d4e4d4f;

interface Migration {
  version: number;
  /** Changes a table that already holds data: the file is copied aside first. */
  altersExistingTables: boolean;
  up: string;
}

/**
 * The schema's history. Never edit a migration that has shipped: add the next one.
 * `PRAGMA user_version` records the last one applied.
 */
export const migrations: Migration[] = [
  {
    version: 1,
    altersExistingTables: false,
    up: `
      CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        responder TEXT NOT NULL DEFAULT '{"kind":"echo"}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        flow_id TEXT NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        session_id TEXT NOT NULL,
        title TEXT,
        title_custom INTEGER NOT NULL DEFAULT 0,
        preview TEXT NOT NULL DEFAULT '',
        message_count INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX conversations_key ON conversations(flow_id, session_id);
      CREATE INDEX conversations_updated ON conversations(updated_at, id);
      CREATE INDEX conversations_created ON conversations(created_at, id);

      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
        content TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        chat_id TEXT NOT NULL,
        chat_type TEXT NOT NULL CHECK (chat_type IN ('INTERNAL', 'EXTERNAL')),
        metadata TEXT
      ) STRICT;
      CREATE INDEX messages_conversation_time ON messages(conversation_id, created_at, seq);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    altersExistingTables: false,
    // Full-text search over message content and conversation titles. External-content
    // tables, kept in step by triggers, so that no code path can forget them.
    up: `
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content='messages', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts(rowid, content) SELECT seq, content FROM messages;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
      END;

      CREATE VIRTUAL TABLE titles_fts USING fts5(
        title, content='conversations', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO titles_fts(rowid, title) SELECT id, title FROM conversations WHERE title IS NOT NULL;
      CREATE TRIGGER titles_fts_insert AFTER INSERT ON conversations WHEN new.title IS NOT NULL BEGIN
        INSERT INTO titles_fts(rowid, title) VALUES (new.id, new.title);
      END;
      CREATE TRIGGER titles_fts_delete AFTER DELETE ON conversations WHEN old.title IS NOT NULL BEGIN
        INSERT INTO titles_fts(titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
      END;
      CREATE TRIGGER titles_fts_update AFTER UPDATE OF title ON conversations BEGIN
        INSERT INTO titles_fts(titles_fts, rowid, title) SELECT 'delete', old.id, old.title WHERE old.title IS NOT NULL;
        INSERT INTO titles_fts(rowid, title) SELECT new.id, new.title WHERE new.title IS NOT NULL;
      END;
    `,
  },
  {
    version: 3,
    altersExistingTables: true,
    // The trash: a trashed conversation keeps its rows but no longer holds its
    // (flow, session) key, so a new conversation can take it. List indexes cover only
    // live conversations, per flow and across flows.
    up: `
      ALTER TABLE conversations ADD COLUMN trashed_at INTEGER;
      DROP INDEX conversations_key;
      DROP INDEX conversations_updated;
      DROP INDEX conversations_created;
      CREATE UNIQUE INDEX conversations_live_key ON conversations(flow_id, session_id) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_live_updated ON conversations(updated_at, id) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_live_created ON conversations(created_at, id) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_flow_updated ON conversations(flow_id, updated_at, id) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_flow_created ON conversations(flow_id, created_at, id) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_trashed ON conversations(trashed_at) WHERE trashed_at IS NOT NULL;
    `,
  },
  {
    version: 4,
    altersExistingTables: false,
    // The list indexes also carry the other end of a conversation's time span, so a
    // date-range filter (first message <= end, last message >= start) is checked in
    // the index while it is read in sort order, without a table lookup per row.
    // They replace the list indexes of version 3, which they cover.
    up: `
      CREATE INDEX conversations_live_updated_span ON conversations(updated_at, id, created_at) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_live_created_span ON conversations(created_at, id, updated_at) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_flow_updated_span ON conversations(flow_id, updated_at, id, created_at) WHERE trashed_at IS NULL;
      CREATE INDEX conversations_flow_created_span ON conversations(flow_id, created_at, id, updated_at) WHERE trashed_at IS NULL;
      DROP INDEX conversations_live_updated;
      DROP INDEX conversations_live_created;
      DROP INDEX conversations_flow_updated;
      DROP INDEX conversations_flow_created;
    `,
  },
  {
    version: 5,
    altersExistingTables: true,
    // Retention and import. A flow may trash its conversations after N days without
    // activity (NULL: keep them). A message taken from a file without message ids
    // (Flowise, Sim) keeps a hash of what it is, so importing that file again adds nothing.
    up: `
      ALTER TABLE flows ADD COLUMN retention_days INTEGER CHECK (retention_days IS NULL OR retention_days > 0);
      ALTER TABLE messages ADD COLUMN import_key TEXT;
      CREATE UNIQUE INDEX messages_import_key ON messages(import_key) WHERE import_key IS NOT NULL;
    `,
  },
  {
    version: 6,
    altersExistingTables: false,
    // Write throughput (SPEC 9). FTS5 writes its pending terms out as a new segment at
    // every savepoint, and the write queue opens one per write: indexed by the trigger,
    // each appended message became a segment of its own. Now, while a write batch runs,
    // fts_deferral.deferred is 1 and new messages are only listed in fts_pending; the
    // batch indexes them in one statement before it commits (fts-deferral.ts), so a
    // committed database never has deferred = 1 or pending rows, and any other writer
    // is indexed at once as before. A message deleted while still pending leaves the
    // list instead of the index. Segments are merged 16 at a time instead of 4 (less
    // rewriting per write, a few more segments per search). A title set to the value it
    // had no longer rewrites its index entry (every append sets it). Sim's get and
    // delete by conversation id alone read an index instead of every conversation.
    // live_counts keeps each flow's number of live conversations, so the unfiltered
    // list's total (and a flow's) is read instead of counted.
    up: `
      CREATE TABLE fts_deferral (id INTEGER PRIMARY KEY CHECK (id = 1), deferred INTEGER NOT NULL) STRICT;
      INSERT INTO fts_deferral (id, deferred) VALUES (1, 0);
      CREATE TABLE fts_pending (seq INTEGER PRIMARY KEY) STRICT;
      DROP TRIGGER messages_fts_insert;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
      WHEN (SELECT deferred FROM fts_deferral) = 0 BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.seq, new.content);
      END;
      CREATE TRIGGER messages_fts_defer AFTER INSERT ON messages
      WHEN (SELECT deferred FROM fts_deferral) = 1 BEGIN
        INSERT INTO fts_pending(seq) VALUES (new.seq);
      END;
      DROP TRIGGER messages_fts_delete;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.seq, old.content
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE seq = old.seq);
        DELETE FROM fts_pending WHERE seq = old.seq;
      END;
      DROP TRIGGER titles_fts_update;
      CREATE TRIGGER titles_fts_update AFTER UPDATE OF title ON conversations
      WHEN old.title IS NOT new.title BEGIN
        INSERT INTO titles_fts(titles_fts, rowid, title) SELECT 'delete', old.id, old.title WHERE old.title IS NOT NULL;
        INSERT INTO titles_fts(rowid, title) SELECT new.id, new.title WHERE new.title IS NOT NULL;
      END;
      INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16);
      INSERT INTO titles_fts(titles_fts, rank) VALUES ('automerge', 16);
      CREATE INDEX conversations_live_session ON conversations(session_id) WHERE trashed_at IS NULL;
      CREATE TABLE live_counts (flow_id TEXT PRIMARY KEY, conversations INTEGER NOT NULL) STRICT, WITHOUT ROWID;
      INSERT INTO live_counts (flow_id, conversations)
        SELECT flow_id, count(*) FROM conversations WHERE trashed_at IS NULL GROUP BY flow_id;
      CREATE TRIGGER live_counts_insert AFTER INSERT ON conversations WHEN new.trashed_at IS NULL BEGIN
        INSERT INTO live_counts (flow_id, conversations) VALUES (new.flow_id, 1)
        ON CONFLICT (flow_id) DO UPDATE SET conversations = conversations + 1;
      END;
      CREATE TRIGGER live_counts_delete AFTER DELETE ON conversations WHEN old.trashed_at IS NULL BEGIN
        UPDATE live_counts SET conversations = conversations - 1 WHERE flow_id = old.flow_id;
      END;
      CREATE TRIGGER live_counts_trash AFTER UPDATE OF trashed_at ON conversations
      WHEN (old.trashed_at IS NULL) <> (new.trashed_at IS NULL) BEGIN
        INSERT INTO live_counts (flow_id, conversations)
        VALUES (new.flow_id, CASE WHEN new.trashed_at IS NULL THEN 1 ELSE -1 END)
        ON CONFLICT (flow_id) DO UPDATE SET conversations = conversations + excluded.conversations;
      END;
    `,
  },
  {
    version: 7,
    altersExistingTables: true,
    // The session list with a search word (SPEC 9). To find a page of conversations in
    // list order, the list asks of each conversation in turn "does one of its messages
    // match?" (search-list.ts). FTS5 answers that in one lookup when the conversation is
    // a term of the indexed row: messages_fts gets a second column holding the
    // conversation id (from a generated column, as an external-content table reads its
    // columns from the content table). Every MATCH on messages_fts names its column
    // (session-filter.ts contentMatch), so the ids never match a person's search. A
    // message moved to another conversation (a restore that merges) moves its entry.
    // The rebuilt index is merged into one segment: each lookup costs per segment.
    up: `
      ALTER TABLE messages ADD COLUMN fts_conversation TEXT
        GENERATED ALWAYS AS (CAST(conversation_id AS TEXT)) VIRTUAL;
      DROP TRIGGER messages_fts_insert;
      DROP TRIGGER messages_fts_delete;
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, fts_conversation, content='messages', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
      INSERT INTO messages_fts(messages_fts) VALUES ('optimize');
      INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16);
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
      WHEN (SELECT deferred FROM fts_deferral) = 0 BEGIN
        INSERT INTO messages_fts(rowid, content, fts_conversation)
        VALUES (new.seq, new.content, new.fts_conversation);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content, fts_conversation)
        SELECT 'delete', old.seq, old.content, old.fts_conversation
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE seq = old.seq);
        DELETE FROM fts_pending WHERE seq = old.seq;
      END;
      CREATE TRIGGER messages_fts_move AFTER UPDATE OF conversation_id ON messages
      WHEN old.conversation_id IS NOT new.conversation_id
        AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE seq = old.seq) BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content, fts_conversation)
        VALUES ('delete', old.seq, old.content, old.fts_conversation);
        INSERT INTO messages_fts(rowid, content, fts_conversation)
        VALUES (new.seq, new.content, new.fts_conversation);
      END;
    `,
  },
  {
    version: 8,
    altersExistingTables: false,
    // Which conversation each search match belongs to (SPEC 9, the session list with a
    // search word): from this index, hundreds of messages per page, instead of each
    // match's row in the message table. New messages take the next seq, so appends
    // add to its last page only. And the idle-time merging of the search indexes
    // (search-upkeep.ts) may merge any two segments of a level, not only four.
    up: `
      CREATE INDEX messages_seq_conversation ON messages(seq, conversation_id);
      INSERT INTO messages_fts(messages_fts, rank) VALUES ('usermerge', 2);
      INSERT INTO titles_fts(titles_fts, rank) VALUES ('usermerge', 2);
    `,
  },
  {
    version: 9,
    altersExistingTables: false,
    // Live events across processes (two Mnemos on one data dir): each connection's
    // TEMP triggers log here which conversation or flow its writes changed, and from
    // which process (origin); the other process reads the rows that are not its own
    // (change-feed.ts). The newest rows only are kept.
    up: `
      CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY,
        origin INTEGER NOT NULL,
        flow_id TEXT NOT NULL,
        session_id TEXT,
        live_before INTEGER,
        live_after INTEGER
      ) STRICT;
    `,
  },
  {
    version: 10,
    altersExistingTables: true,
    // A flow a web page may chat with without the key (Flowise's embed widget on a page
    // whose origin is in the CORS allowlist), as Flowise serves a flow without an API
    // key. Off for every flow, existing ones included.
    up: `
      ALTER TABLE flows ADD COLUMN public_embed INTEGER NOT NULL DEFAULT 0 CHECK (public_embed IN (0, 1));
    `,
  },
  {
    version: 11,
    altersExistingTables: true,
    // Search matches the word being typed as a word start (issue 16, shared/search-query.ts).
    // Without a prefix index FTS5 answers `mem*` by reading and merging the whole list of
    // every indexed word that starts so (about 40 words of a common start), on every
    // query, where the list's walk asks several. prefix='3 4' also indexes each word's
    // first 3 and 4 characters, so those starts are one term each; longer starts are
    // rarer and read the words' lists. Both indexes are rebuilt with it (the tables hold
    // no data of their own: external content), then merged to one segment as in
    // migration 7.
    up: `
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, fts_conversation, content='messages', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2', prefix='3 4'
      );
      INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
      INSERT INTO messages_fts(messages_fts) VALUES ('optimize');
      INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16);
      INSERT INTO messages_fts(messages_fts, rank) VALUES ('usermerge', 2);
      DROP TABLE titles_fts;
      CREATE VIRTUAL TABLE titles_fts USING fts5(
        title, content='conversations', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='3 4'
      );
      INSERT INTO titles_fts(titles_fts) VALUES ('rebuild');
      INSERT INTO titles_fts(titles_fts) VALUES ('optimize');
      INSERT INTO titles_fts(titles_fts, rank) VALUES ('automerge', 16);
      INSERT INTO titles_fts(titles_fts, rank) VALUES ('usermerge', 2);
    `,
  },
  {
    version: 12,
    altersExistingTables: true,
    // Trash batches: a bulk delete stamps every conversation it trashes with one batch
    // number (its time, made larger than any batch still in the trash), so Undo restores
    // exactly that set. Restoring clears it; a single delete leaves it NULL.
    up: `
      ALTER TABLE conversations ADD COLUMN trash_batch INTEGER;
      CREATE INDEX conversations_trash_batch ON conversations(trash_batch) WHERE trash_batch IS NOT NULL;
      CREATE INDEX conversations_trashed_flow ON conversations(flow_id, trashed_at) WHERE trashed_at IS NOT NULL;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0;

/** The tables the migrations create, ordinary and full-text (ownership.ts tells Mnemo's database by them). */
export function mnemoTableNames(): { tables: string[]; virtualTables: string[] } {
  const tables: string[] = [];
  const virtualTables: string[] = [];
  for (const m of migrations) {
    for (const [, virtual, name] of m.up.matchAll(/CREATE (VIRTUAL )?TABLE (\w+)/g)) {
      (virtual ? virtualTables : tables).push(name as string);
    }
  }
  return { tables, virtualTables };
}

/**
 * Brings the database up to `target` (default: the latest) and marks it as Mnemo's
 * (`PRAGMA application_id`; databases of earlier versions get the mark here too, without
 * a new schema version, so that an earlier Mnemo still opens them). Each migration runs
 * in its own transaction; before the first one that alters tables holding data, the file
 * is copied to `<file>.v<N>.bak` (N = the version it had then), private to the user like
 * the database.
 */
export function migrate(db: Db, file: string, target = LATEST_SCHEMA_VERSION): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `the database at ${file} has schema version ${from}, newer than this Mnemo understands (${LATEST_SCHEMA_VERSION})`,
    );
  }
  if (db.pragma('application_id', { simple: true }) !== MNEMO_APPLICATION_ID) {
    db.pragma(`application_id = ${MNEMO_APPLICATION_ID}`);
  }
  let current = from;
  // One copy per upgrade, before the first migration that alters data: a copy per such
  // migration would write the whole file again for each (three at once from version 9).
  let backedUp = false;
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    if (m.altersExistingTables && from > 0 && !backedUp) {
      backup(db, file, current);
      backedUp = true;
    }
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    })();
    current = m.version;
  }
  return { from, to: current };
}

function backup(db: Db, file: string, version: number): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const copy = `${file}.v${version}.bak`;
  // copyFile gives a new file the source's mode (0600) but keeps an existing file's.
  fs.copyFileSync(file, copy);
  fs.chmodSync(copy, 0o600);
}
