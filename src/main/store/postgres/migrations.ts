/**
 * The PostgreSQL schema's versions. Its history is its own (version 1 holds what SQLite
 * reached in eight); never edit a shipped migration, add the next. Each runs in one
 * transaction under an advisory lock, so processes starting at once migrate once.
 */
import type { Database } from './db';

/** Advisory lock key of the migration runner ('mnemo' in ASCII, then 1). */
const MIGRATION_LOCK = 0x6d6e656d6f01;

interface Migration {
  version: number;
  up: string;
}

/** Tells other processes what changed (cross-process events); the payload stays far below 8000 bytes. */
const NOTIFY_FUNCTION = `
CREATE FUNCTION mnemo_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  origin text := coalesce(current_setting('mnemo.origin', true), '');
BEGIN
  IF TG_TABLE_NAME = 'flows' THEN
    PERFORM pg_notify('mnemo_changes', json_build_object('o', origin,
      'f', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('mnemo_changes', json_build_object('o', origin, 'f', NEW.flow_id, 's', NEW.session_id,
      'b', NULL, 'a', NEW.trashed_at IS NULL)::text);
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM pg_notify('mnemo_changes', json_build_object('o', origin, 'f', NEW.flow_id, 's', NEW.session_id,
      'b', OLD.trashed_at IS NULL, 'a', NEW.trashed_at IS NULL)::text);
  ELSE
    PERFORM pg_notify('mnemo_changes', json_build_object('o', origin, 'f', OLD.flow_id, 's', OLD.session_id,
      'b', OLD.trashed_at IS NULL, 'a', NULL)::text);
  END IF;
  RETURN NULL;
END $$;`;

const migrations: Migration[] = [
  {
    version: 1,
    up: `
CREATE TABLE flows (
  id text PRIMARY KEY,
  name text NOT NULL,
  responder text NOT NULL,
  retention_days integer CHECK (retention_days IS NULL OR retention_days > 0),
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE conversations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  flow_id text NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
  session_id text NOT NULL,
  title text,
  title_custom boolean NOT NULL DEFAULT false,
  title_terms tsvector,
  preview text NOT NULL DEFAULT '',
  message_count integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  trashed_at bigint
);
CREATE UNIQUE INDEX conversations_live_key ON conversations (flow_id, session_id) WHERE trashed_at IS NULL;
CREATE INDEX conversations_live_session ON conversations (session_id) WHERE trashed_at IS NULL;
CREATE INDEX conversations_live_updated ON conversations (updated_at, id) INCLUDE (created_at) WHERE trashed_at IS NULL;
CREATE INDEX conversations_live_created ON conversations (created_at, id) INCLUDE (updated_at) WHERE trashed_at IS NULL;
CREATE INDEX conversations_flow_updated ON conversations (flow_id, updated_at, id) INCLUDE (created_at) WHERE trashed_at IS NULL;
CREATE INDEX conversations_flow_created ON conversations (flow_id, created_at, id) INCLUDE (updated_at) WHERE trashed_at IS NULL;
CREATE INDEX conversations_trashed ON conversations (trashed_at, id) WHERE trashed_at IS NOT NULL;
CREATE INDEX conversations_title_terms ON conversations USING gin (title_terms) WHERE trashed_at IS NULL;
CREATE TABLE messages (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content text NOT NULL,
  created_at bigint NOT NULL,
  chat_id text NOT NULL,
  chat_type text NOT NULL CHECK (chat_type IN ('INTERNAL', 'EXTERNAL')),
  metadata text,
  import_key text
);
CREATE INDEX messages_conversation_time ON messages (conversation_id, created_at, seq);
CREATE UNIQUE INDEX messages_import_key ON messages (import_key) WHERE import_key IS NOT NULL;
CREATE TABLE message_terms (
  seq bigint NOT NULL REFERENCES messages(seq) ON DELETE CASCADE,
  part integer NOT NULL,
  conversation_id bigint NOT NULL,
  terms tsvector NOT NULL,
  PRIMARY KEY (seq, part)
);
CREATE INDEX message_terms_terms ON message_terms USING gin (terms);
CREATE INDEX message_terms_conversation ON message_terms (conversation_id, seq);
CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
${NOTIFY_FUNCTION}
CREATE TRIGGER conversations_changed AFTER INSERT OR UPDATE OF trashed_at, title, updated_at, message_count OR DELETE
  ON conversations FOR EACH ROW EXECUTE FUNCTION mnemo_notify_change();
CREATE TRIGGER flows_changed AFTER INSERT OR UPDATE OR DELETE ON flows FOR EACH ROW EXECUTE FUNCTION mnemo_notify_change();
`,
  },
  {
    version: 2,
    // What SQLite's migrations 10 and 12 added: a flow a web page on an allowlisted origin
    // may chat with without the key (0/1 as in SQLite, so one row mapper reads both), and
    // trash batches, one number per bulk delete, so its Undo restores exactly that set.
    // (SQLite's 11, a prefix index, has no counterpart: a GIN index answers `word:*` as is.)
    up: `
ALTER TABLE flows ADD COLUMN public_embed integer NOT NULL DEFAULT 0 CHECK (public_embed IN (0, 1));
ALTER TABLE conversations ADD COLUMN trash_batch bigint;
CREATE INDEX conversations_trash_batch ON conversations (trash_batch) WHERE trash_batch IS NOT NULL;
CREATE INDEX conversations_trashed_flow ON conversations (flow_id, trashed_at, id) WHERE trashed_at IS NOT NULL;
`,
  },
  {
    version: 3,
    // The list's total without counting every live conversation per request (issue 17):
    // each flow's live count kept by triggers, spread over 16 slots picked by the backend's
    // pid, so processes creating conversations at once rarely wait on one row (a single
    // counter row would serialize every new conversation across processes). The total is
    // the sum of a flow's slots (at most 16 rows). Inserts and deletes count per statement
    // (a bulk import is one upsert per flow and slot, not one per conversation); trash and
    // restore per row, only when trashed_at goes from or to NULL. The table is locked while
    // the counts are taken, so no conversation made meanwhile is missed.
    up: `
LOCK TABLE conversations IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE live_counts (
  flow_id text NOT NULL,
  slot integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (flow_id, slot)
);
INSERT INTO live_counts (flow_id, slot, n)
  SELECT flow_id, 0, count(*) FROM conversations WHERE trashed_at IS NULL GROUP BY flow_id;
CREATE FUNCTION mnemo_live_counts_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO live_counts (flow_id, slot, n)
      SELECT flow_id, pg_backend_pid() % 16, count(*) FROM new_rows WHERE trashed_at IS NULL GROUP BY flow_id ORDER BY flow_id
      ON CONFLICT (flow_id, slot) DO UPDATE SET n = live_counts.n + excluded.n;
  ELSE
    INSERT INTO live_counts (flow_id, slot, n)
      SELECT flow_id, pg_backend_pid() % 16, -count(*) FROM old_rows WHERE trashed_at IS NULL GROUP BY flow_id ORDER BY flow_id
      ON CONFLICT (flow_id, slot) DO UPDATE SET n = live_counts.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION mnemo_live_counts_trash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO live_counts (flow_id, slot, n)
    VALUES (NEW.flow_id, pg_backend_pid() % 16, CASE WHEN NEW.trashed_at IS NULL THEN 1 ELSE -1 END)
    ON CONFLICT (flow_id, slot) DO UPDATE SET n = live_counts.n + excluded.n;
  RETURN NULL;
END $$;
CREATE TRIGGER conversations_live_count_insert AFTER INSERT ON conversations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mnemo_live_counts_statement();
CREATE TRIGGER conversations_live_count_delete AFTER DELETE ON conversations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mnemo_live_counts_statement();
CREATE TRIGGER conversations_live_count_trash AFTER UPDATE OF trashed_at ON conversations
  FOR EACH ROW WHEN ((OLD.trashed_at IS NULL) <> (NEW.trashed_at IS NULL))
  EXECUTE FUNCTION mnemo_live_counts_trash();
`,
  },
  {
    version: 4,
    // An append in one statement (issue 17): a Sim add was BEGIN, the flow and the lock,
    // the insert, COMMIT, then the answer's read, each a round trip that costs both Node and
    // a backend a wake-up. What the JavaScript still computes is what needs no lock (ids,
    // full-text parts, title, preview, each message's time before the floor); the function
    // takes the flow (when p_flow_name is given), the conversation's row lock (creating the
    // conversation if none is live), then reads the newest message's time in a statement of
    // its own, so it sees an append it waited for, and times each message no earlier. With
    // p_piece_rows > 0 it answers with the first piece of the memory up to the added
    // messages (Sim's answer; rows and bytes bounded as the later pieces are), one row per
    // message, else with one row; the append's own fields are on every row.
    up: `
CREATE FUNCTION mnemo_append(
  p_flow_id text, p_flow_name text, p_responder text, p_retention_days integer, p_now bigint, p_public_embed integer,
  p_session_id text, p_ids text[], p_roles text[], p_contents text[], p_times bigint[], p_chat_ids text[],
  p_chat_types text[], p_metadata text[], p_term_ids text[], p_term_parts integer[], p_terms text[],
  p_preview text, p_title text, p_title_terms text, p_piece_rows integer, p_piece_bytes bigint
) RETURNS TABLE (flow_created boolean, flow_name text, conv_id bigint, newest bigint, last_seq bigint,
  m_time bigint, m_seq bigint, m_role text, m_content text, m_metadata text, m_bytes bigint, m_rows bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_id bigint;
  v_created boolean := false;
  v_flow_created boolean := false;
  v_newest bigint;
  v_first bigint;
  v_last bigint;
  v_seq bigint;
  v_flow_name text;
BEGIN
  IF p_flow_name IS NOT NULL THEN
    INSERT INTO flows (id, name, responder, retention_days, created_at, updated_at, public_embed)
      VALUES (p_flow_id, p_flow_name, p_responder, p_retention_days, p_now, p_now, p_public_embed)
      ON CONFLICT (id) DO NOTHING;
    v_flow_created := FOUND;
  END IF;
  LOOP
    SELECT c.id INTO v_id FROM conversations c
      WHERE c.flow_id = p_flow_id AND c.session_id = p_session_id AND c.trashed_at IS NULL FOR UPDATE;
    EXIT WHEN FOUND;
    -- One made meanwhile by another transaction is waited for here, then locked above.
    INSERT INTO conversations (flow_id, session_id, created_at, updated_at) VALUES (p_flow_id, p_session_id, p_now, p_now)
      ON CONFLICT (flow_id, session_id) WHERE trashed_at IS NULL DO NOTHING RETURNING id INTO v_id;
    IF v_id IS NOT NULL THEN
      v_created := true;
      EXIT;
    END IF;
  END LOOP;
  SELECT max(m.created_at) INTO v_newest FROM messages m WHERE m.conversation_id = v_id;
  v_first := GREATEST(p_times[1], v_newest);
  v_last := GREATEST(p_times[array_length(p_times, 1)], v_newest);
  WITH ins AS (
    INSERT INTO messages (id, conversation_id, role, content, created_at, chat_id, chat_type, metadata)
    SELECT u.id, v_id, u.role, u.content, GREATEST(u.t, v_newest), u.chat_id, u.chat_type, u.metadata
    FROM unnest(p_ids, p_roles, p_contents, p_times, p_chat_ids, p_chat_types, p_metadata)
      WITH ORDINALITY AS u(id, role, content, t, chat_id, chat_type, metadata, n)
    ORDER BY u.n RETURNING messages.seq, messages.id),
  terms AS (
    INSERT INTO message_terms (seq, part, conversation_id, terms)
    SELECT ins.seq, x.p, v_id, x.t::tsvector FROM unnest(p_term_ids, p_term_parts, p_terms) AS x(id, p, t)
    JOIN ins ON ins.id = x.id)
  SELECT max(ins.seq) INTO v_seq FROM ins;
  UPDATE conversations c SET
    message_count = c.message_count + array_length(p_ids, 1),
    created_at = CASE WHEN v_created THEN v_first ELSE LEAST(c.created_at, v_first) END,
    preview = CASE WHEN v_created OR v_last >= c.updated_at THEN p_preview ELSE c.preview END,
    updated_at = CASE WHEN v_created THEN v_last ELSE GREATEST(c.updated_at, v_last) END,
    title = CASE WHEN c.title IS NULL AND NOT c.title_custom THEN p_title ELSE c.title END,
    title_terms = CASE WHEN c.title IS NULL AND NOT c.title_custom THEN p_title_terms::tsvector ELSE c.title_terms END
  WHERE c.id = v_id;
  SELECT f.name INTO v_flow_name FROM flows f WHERE f.id = p_flow_id;
  IF p_piece_rows > 0 THEN
    RETURN QUERY SELECT v_flow_created, v_flow_name, v_id, v_newest, v_seq,
        x.created_at, x.seq, x.role, x.content, x.metadata, x.n, x.rows_read
      FROM (SELECT x.*, sum(x.n) OVER (ORDER BY x.created_at, x.seq ROWS UNBOUNDED PRECEDING) - x.n AS bytes_before,
          count(*) OVER () AS rows_read
        FROM (SELECT m.created_at, m.seq, m.role, m.content, m.metadata,
            octet_length(m.content)::bigint + coalesce(octet_length(m.metadata), 0) AS n
          FROM messages m WHERE m.conversation_id = v_id AND (m.created_at, m.seq) <= (v_last, v_seq)
          ORDER BY m.created_at, m.seq LIMIT p_piece_rows) x) x
      WHERE x.bytes_before < p_piece_bytes ORDER BY x.created_at, x.seq;
  ELSE
    RETURN QUERY SELECT v_flow_created, v_flow_name, v_id, v_newest, v_seq,
      NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint;
  END IF;
END $$;
`,
  },
];

export const PG_LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0;

/**
 * Brings the database to the latest version (or to `upTo`: tests that build a database as
 * an older Mnemo left it). A database a newer Mnemo migrated is refused, as SQLite's is;
 * so is one that holds tables of another application.
 */
export async function migrate(
  db: Database,
  where: string,
  upTo = PG_LATEST_SCHEMA_VERSION,
): Promise<{ from: number; to: number }> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS mnemo_schema_migrations (
      version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const row = await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM mnemo_schema_migrations');
    const from = row[0]?.v ?? 0;
    if (from > PG_LATEST_SCHEMA_VERSION) {
      throw new Error(
        `the database at ${where} has schema version ${from}, newer than this Mnemo understands (${PG_LATEST_SCHEMA_VERSION})`,
      );
    }
    if (from === 0) {
      const foreign = await tx.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_name IN ('flows', 'conversations', 'messages')`,
      );
      if (foreign.length > 0) {
        throw new Error(
          `the database at ${where} holds tables Mnemo did not make (${foreign.map((f) => f.name).join(', ')}); point --database-url at an empty database or schema`,
        );
      }
    }
    for (const m of migrations) {
      if (m.version <= from || m.version > upTo) continue;
      await tx.query(m.up);
      await tx.query('INSERT INTO mnemo_schema_migrations (version) VALUES ($1)', [m.version]);
    }
    return { from, to: Math.max(from, upTo) };
  });
}

export async function schemaVersion(db: Database): Promise<number> {
  const row = await db.one<{ v: number | null }>('SELECT max(version) AS v FROM mnemo_schema_migrations');
  return row?.v ?? 0;
}
