import { randomInt } from 'node:crypto';
import type { Db } from './database';

/** Rows change_log keeps: older ones go, a thousand at a time, as new ones come. */
export const CHANGE_LOG_ROWS = 10_000;
const TRIM_EVERY = 1_000;

/**
 * One change another process made. `sessionId` null: the flow itself, or conversations
 * of it that a bulk import created. `liveBefore`/`liveAfter`: whether the conversation
 * was live (true), trashed (false) or absent (null) before and after the change.
 */
export interface ChangeRecord {
  flowId: string;
  sessionId: string | null;
  liveBefore: boolean | null;
  liveAfter: boolean | null;
}

export interface ForeignChanges {
  changes: ChangeRecord[];
  /** Some changes were trimmed from the log before they were read (this process fell behind). */
  missed: boolean;
}

interface ChangeRow {
  seq: number;
  origin: number;
  flow_id: string;
  session_id: string | null;
  live_before: number | null;
  live_after: number | null;
}

const asLive = (value: number | null): boolean | null => (value === null ? null : value === 1);

/**
 * TEMP triggers: they belong to this connection only, so each process records its own
 * origin in the rows it writes, and a connection without them (the checkpointer, an
 * export reader, the sqlite3 shell) writes as before, logging nothing. Conversation
 * inserts have no trigger: a trigger opens a statement savepoint, at which FTS5 writes
 * out pending titles, and the bulk insert (bulk-insert.ts) avoids exactly that. An
 * append updates the conversation it inserts, and a bulk insert adds to live_counts
 * once per flow, so both are seen.
 */
function triggersSql(origin: number): string {
  const log = (flowId: string, sessionId: string, before: string, after: string) =>
    `INSERT INTO change_log (origin, flow_id, session_id, live_before, live_after)
     VALUES (${origin}, ${flowId}, ${sessionId}, ${before}, ${after});`;
  return `
    CREATE TEMP TRIGGER change_log_conversation_update AFTER UPDATE ON main.conversations BEGIN
      ${log('new.flow_id', 'new.session_id', 'old.trashed_at IS NULL', 'new.trashed_at IS NULL')}
    END;
    CREATE TEMP TRIGGER change_log_conversation_delete AFTER DELETE ON main.conversations BEGIN
      ${log('old.flow_id', 'old.session_id', 'old.trashed_at IS NULL', 'NULL')}
    END;
    CREATE TEMP TRIGGER change_log_live_counts_insert AFTER INSERT ON main.live_counts BEGIN
      ${log('new.flow_id', 'NULL', 'NULL', 'NULL')}
    END;
    CREATE TEMP TRIGGER change_log_live_counts_update AFTER UPDATE ON main.live_counts BEGIN
      ${log('new.flow_id', 'NULL', 'NULL', 'NULL')}
    END;
    CREATE TEMP TRIGGER change_log_flow_insert AFTER INSERT ON main.flows BEGIN
      ${log('new.id', 'NULL', 'NULL', 'NULL')}
    END;
    CREATE TEMP TRIGGER change_log_flow_update AFTER UPDATE ON main.flows BEGIN
      ${log('new.id', 'NULL', 'NULL', 'NULL')}
    END;
    CREATE TEMP TRIGGER change_log_flow_delete AFTER DELETE ON main.flows BEGIN
      ${log('old.id', 'NULL', 'NULL', 'NULL')}
    END;
    CREATE TEMP TRIGGER change_log_trim AFTER INSERT ON main.change_log
    WHEN new.seq % ${TRIM_EVERY} = 0 BEGIN
      DELETE FROM change_log WHERE seq <= new.seq - ${CHANGE_LOG_ROWS};
    END;
  `;
}

/**
 * What other processes on the same database (the desktop app and `npm run serve`) wrote,
 * for this process's live events. Every write of this connection records what it changed
 * in change_log, inside its own transaction (triggers); `PRAGMA data_version` tells,
 * for a few microseconds, whether another connection committed since it was last read,
 * and only then are the new rows of other origins read.
 */
export function changeFeed(db: Db) {
  // Random per connection: two stores in one process are two origins too.
  const origin = randomInt(1, 2 ** 47);
  db.exec(triggersSql(origin));
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const lastSeq = db.prepare<[], number | null>('SELECT max(seq) FROM change_log').pluck();
  const rowsAfter = db.prepare<[number], ChangeRow>('SELECT * FROM change_log WHERE seq > ? ORDER BY seq');
  let seenVersion = dataVersion.get() as number;
  let seenSeq = lastSeq.get() ?? 0;

  return {
    /**
     * The changes other processes committed since the last call; undefined when none
     * committed anything. Throws what SQLite throws (busy, I/O): the caller retries.
     */
    readForeignChanges: async (): Promise<ForeignChanges | undefined> => {
      const version = dataVersion.get() as number;
      if (version === seenVersion) return undefined;
      const rows = rowsAfter.all(seenSeq);
      const first = rows[0];
      const missed = first !== undefined && first.seq > seenSeq + 1;
      seenVersion = version;
      if (first) seenSeq = (rows[rows.length - 1] as ChangeRow).seq;
      const changes = rows
        .filter((row) => row.origin !== origin)
        .map((row) => ({
          flowId: row.flow_id,
          sessionId: row.session_id,
          liveBefore: asLive(row.live_before),
          liveAfter: asLive(row.live_after),
        }));
      return { changes, missed };
    },
  };
}
