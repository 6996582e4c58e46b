/**
 * The memory store: the only place that holds SQL. Its interface is asynchronous and
 * hands out plain records (no SQLite types), so writes can be group-committed and
 * another backend could implement the same interface.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_FLOW_ID } from '../../shared/schemas/flows';
import { bulkInsertQueries } from './bulk-insert';
import { changeFeed } from './change-feed';
import { startCheckpointer } from './checkpointer';
import { openDatabase } from './database';
import { asStoreError } from './faults';
import { flowQueries } from './flows';
import { ftsDeferral } from './fts-deferral';
import { type IntegrityRecord, startIntegrityCheck } from './integrity';
import type { MemoryStore, StoreBackend } from './memory-store';
import { messageQueries } from './messages';
import { LATEST_SCHEMA_VERSION, migrate } from './migrations';
import { claimDatabaseFile, DATABASE_FILE } from './ownership';
import { queryPlanQueries } from './query-plans';
import { retentionQueries } from './retention';
import { searchQueries } from './search';
import { searchUpkeep } from './search-upkeep';
import { sessionQueries } from './sessions';
import { settingQueries } from './settings';
import { simMemoryQueries } from './sim-memories';
import { transferQueries } from './transfer';
import { trashQueries } from './trash';
import type { FlowRecord } from './types';
import { WriteQueue } from './write-queue';

type SqliteDebug = ReturnType<typeof sessionQueries>;

export type { BulkConversation } from './bulk-insert';
export type { ChangeRecord } from './change-feed';
export type { IntegrityRecord, IntegrityState } from './integrity';
export type { MemoryStore, StoreBackend } from './memory-store';
export { DATABASE_FILE, ForeignDatabaseError } from './ownership';
export type { SearchHitRecord } from './search';
export type { SessionFilter } from './session-filter';
export type { MessagePosition, SessionListOptions, SessionSummaryRecord, SortKey } from './sessions';
export type { MemoryFilter, MemoryMessageRecord, MemoryRecord } from './sim-memories';
export type {
  ExportFilter,
  ExportItem,
  ExportMessageRecord,
  ExportSessionRecord,
  ImportConversation,
  ImportFlow,
  ImportOutcome,
} from './transfer';
export type { SessionKeyRecord, TrashRecord } from './trash';
export type {
  ChatMessageRecord,
  ConversationRecord,
  FlowRecord,
  MessageFilter,
  MessageRecord,
  NewMessage,
} from './types';

export interface StoreOptions {
  /** The data directory; created (0700) if missing. */
  dataDir: string;
}

/** Opens the store in `dataDir`; refuses another application's database there (ForeignDatabaseError). */
export async function openStore(options: StoreOptions): Promise<SqliteStore> {
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, DATABASE_FILE);
  claimDatabaseFile(file);
  const db = openDatabase(file);
  try {
    migrate(db, file);
  } catch (error) {
    db.close();
    throw error;
  }
  // Before the first write: every write from here on is logged for the other processes.
  const changes = changeFeed(db);
  const upkeep = searchUpkeep(db);
  const writes = new WriteQueue(db, { ...ftsDeferral(db), onBatch: upkeep.wake });
  const checkpointer = startCheckpointer(db, file);
  const integrity = startIntegrityCheck(file);
  // The *Sync functions run inside a write of the queue; only the async ones are public.
  const { ensureFlowSync, ...flows } = flowQueries(db, writes);
  const { appendSync, refreshSync, ...messages } = messageQueries(db, writes);
  ensureFlowSync({ id: DEFAULT_FLOW_ID, name: 'Default', responder: { kind: 'echo' } });
  const { bulkInsertSync, ...bulk } = bulkInsertQueries(db, writes, refreshSync);
  const { closeExports, ...transfer } = transferQueries(db, writes, file, bulkInsertSync);

  let closed = false;
  const store = {
    file,
    backend: { kind: 'sqlite', location: file } as StoreBackend,
    schemaVersion: async (): Promise<number> => db.pragma('user_version', { simple: true }) as number,
    /** The start's integrity check: `checking` until it ends. */
    integrity: (): IntegrityRecord => integrity.status(),
    /** Resolves when the integrity check has ended (tests). */
    integrityChecked: (): Promise<IntegrityRecord> => integrity.done,
    ...flows,
    ...messages,
    ...settingQueries(db, writes),
    ...simMemoryQueries(db, writes, ensureFlowSync, appendSync),
    ...sessionQueries(db, writes),
    ...trashQueries(db, writes, refreshSync),
    ...searchQueries(db),
    ...queryPlanQueries(db),
    ...bulk,
    ...transfer,
    ...retentionQueries(db, writes),
    ...changes,
    // One process owns an SQLite data dir's turns and passes (the desktop app or serve).
    exclusive: <T>(_key: string, work: () => Promise<T>): Promise<T> => work(),
    ifUnlocked: <T>(_key: string, work: () => Promise<T>): Promise<T | undefined> => work(),
    /** Merges the search indexes down to a few segments now, as idle time would (tests). */
    tidySearchIndex: async (): Promise<void> => upkeep.runNow(),
    /** Finishes queued writes, checkpoints the WAL into the main file and closes. */
    close: async (): Promise<void> => {
      if (closed) return;
      closed = true;
      closeExports();
      integrity.stop();
      upkeep.stop();
      await checkpointer.stop();
      try {
        writes.flush();
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (error) {
        // A full disk or another process's lock: the WAL holds every commit and the next
        // start checkpoints it, so the connection is closed all the same.
        console.warn(
          `Mnemo: closing without a final checkpoint: ${(asStoreError(error, file) as Error).message}`,
        );
      } finally {
        db.close();
      }
    },
  };
  return store;
}

/** The SQLite store: the interface, plus what only SQLite has (its file, plans, FTS5 upkeep) for tests and the benchmark. */
export interface SqliteStore extends MemoryStore {
  readonly file: string;
  /** Resolves when the start's integrity check has ended (tests). */
  integrityChecked(): Promise<IntegrityRecord>;
  findFlowByName(name: string): Promise<FlowRecord | undefined>;
  debugExplain: SqliteDebug['debugExplain'];
  debugQueryPlans(): Promise<Record<string, string[]>>;
  /** FTS5 'optimize' after a large load (seeding). */
  optimizeSearchIndex(): Promise<void>;
  /** Merges the search indexes down to a few segments now, as idle time would (tests). */
  tidySearchIndex(): Promise<void>;
}

/** What services and routes use: any backend. */
export type Store = MemoryStore;
export { LATEST_SCHEMA_VERSION };
