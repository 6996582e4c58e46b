/**
 * The store's interface: what services, routes and the desktop app may ask of a store,
 * whichever database holds the data (SQLite embedded, or PostgreSQL for a shared
 * server). It speaks in plain records (numbers for epoch ms and ids, strings, JSON
 * values); nothing in it names a file, a query plan or a search-index upkeep step:
 * those belong to one backend's own surface.
 */
import type { BulkConversation } from './bulk-insert';
import type { ForeignChanges } from './change-feed';
import type { FlowSettings } from './flows';
import type { IntegrityRecord } from './integrity';
import type { MessageDeletion } from './messages';
import type { MatchPositionRecord, SearchHitRecord } from './search';
import type { SessionFilter } from './session-filter';
import type { MessagePosition, Page, SessionListOptions, SessionSummaryRecord, SortKey } from './sessions';
import type { AddedMemory, MemoryFilter, MemoryPiece } from './sim-memories';
import type { ExportFilter, ExportItem, ImportConversation, ImportFlow, ImportOutcome } from './transfer';
import type { SessionKeyRecord, TrashRecord } from './trash';
import type {
  ChatMessageRecord,
  ConversationRecord,
  FlowRecord,
  FlowWithCount,
  MessageFilter,
  MessageRecord,
  NewMessage,
} from './types';

/** Which database a store keeps its data in, as a person may be shown it (never a password). */
export interface StoreBackend {
  kind: 'sqlite' | 'postgresql';
  /** The database file, or the PostgreSQL URL without its password. */
  location: string;
}

/** Options of a Flowise-style message read. */
export interface MessageReadOptions {
  order: 'ASC' | 'DESC';
  limit?: number;
  offset?: number;
}

/** What a bulk delete to the trash did (`MemoryStore.trashMatching`). */
export interface TrashedMatching {
  matched: number;
  /** Null when the count was not the expected one, and nothing moved. */
  trashed: Array<{ flowId: string; sessionId: string }> | null;
  /** The trash batch they share (restoreTrashMatching restores exactly them); null when none moved. */
  batch: number | null;
}

export interface MemoryStore {
  readonly backend: StoreBackend;
  schemaVersion(): Promise<number>;
  /** The check of the data run at start: `checking` until it ends. */
  integrity(): IntegrityRecord;

  // Flows
  listFlows(): Promise<FlowRecord[]>;
  listFlowsWithCounts(): Promise<FlowWithCount[]>;
  getFlowWithCount(id: string): Promise<FlowWithCount | undefined>;
  getFlow(id: string): Promise<FlowRecord | undefined>;
  /** False when the id is taken. */
  createFlow(flow: FlowSettings): Promise<boolean>;
  updateFlow(flow: FlowSettings): Promise<boolean>;
  /** How many conversations went with it; undefined when there was no such flow. */
  deleteFlow(id: string): Promise<number | undefined>;

  // Messages (Flowise)
  appendMessages(
    flowId: string,
    sessionId: string,
    messages: NewMessage[],
  ): Promise<{ conversationId: number; messages: MessageRecord[] }>;
  /**
   * Replaces a conversation's newest message by a new one in one transaction (a
   * regenerated answer); undefined, and nothing changed, when `oldId` is no longer the newest.
   */
  replaceNewestMessage(
    flowId: string,
    sessionId: string,
    oldId: string,
    message: NewMessage,
  ): Promise<MessageRecord | undefined>;
  getConversation(flowId: string, sessionId: string): Promise<ConversationRecord | undefined>;
  listMessages(filter: MessageFilter, options: MessageReadOptions): Promise<MessageRecord[]>;
  streamChatMessages(
    filter: MessageFilter,
    options: MessageReadOptions,
  ): Promise<{ empty: boolean; pieces: AsyncGenerator<ChatMessageRecord[]> }>;
  countMessages(filter: MessageFilter): Promise<{ messages: number; sessions: number }>;
  deleteMessages(filter: MessageFilter): Promise<MessageDeletion>;
  trashConversations(filter: MessageFilter): Promise<{ count: number; sessionIds: string[] }>;

  // Settings
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  deleteSetting(key: string): Promise<void>;

  // Sim memories
  appendToBlock(
    block: { id: string; name: string },
    sessionId: string,
    messages: NewMessage[],
  ): Promise<{ flowCreated: boolean; messages: MessageRecord[]; memory: AddedMemory }>;
  streamAddedMemory(memory: AddedMemory): AsyncGenerator<MemoryPiece>;
  streamMemories(filter: MemoryFilter): AsyncGenerator<MemoryPiece>;
  streamMemoryPage(
    afterId: number,
    limit: number,
    maxChars: number,
  ): { pieces: AsyncGenerator<MemoryPiece>; page: { lastId: number | null; more: boolean } };
  deleteMemories(filter: MemoryFilter): Promise<Array<{ flowId: string; sessionId: string }>>;

  // Sessions
  listSessions(
    filter: SessionFilter,
    options: SessionListOptions,
  ): Promise<Page<SessionSummaryRecord> & { total: number; totalExact: boolean }>;
  countSessions(filter: SessionFilter): Promise<number>;
  getSession(flowId: string, sessionId: string): Promise<SessionSummaryRecord | undefined>;
  listSessionMessages(
    conversationId: number,
    options: { limit: number; after?: MessagePosition; maxChars: number; sort?: 'ASC' | 'DESC' },
  ): Promise<{ items: MessageRecord[]; next: MessagePosition | null }>;
  renameSession(flowId: string, sessionId: string, title: string): Promise<SessionSummaryRecord | undefined>;
  deleteSession(flowId: string, sessionId: string, options: { hard: boolean; now: number }): Promise<boolean>;
  trashMatching(filter: SessionFilter, expectedCount: number, now: number): Promise<TrashedMatching>;

  // Trash and retention
  listTrash(options: {
    limit: number;
    after?: SortKey;
    flowId?: string;
  }): Promise<Page<TrashRecord> & { total: number }>;
  restoreTrash(ids: number[]): Promise<SessionKeyRecord[]>;
  /** Restores one bulk delete's batch and/or one flow's trash (or all), newest first, at most `limit`. */
  restoreTrashMatching(filter: {
    batch?: number;
    flowId?: string;
    limit?: number;
  }): Promise<{ restored: SessionKeyRecord[]; remaining: number }>;
  purgeTrash(ids?: number[]): Promise<number>;
  expireTrash(cutoff: number): Promise<number>;
  trashIdle(now: number): Promise<SessionKeyRecord[]>;

  // Search
  searchMessages(text: string, options: { flowId?: string; limit: number }): Promise<SearchHitRecord[]>;
  /** Where `text` matches in one conversation (by its row id), newest first; [] for blank text. */
  matchPositions(conversationId: number, text: string): Promise<MatchPositionRecord[]>;

  // Bulk, export and import
  /** Many whole conversations in one write (seeding, imports); their flows must exist. */
  bulkInsert(records: BulkConversation[]): Promise<{ conversations: number; messages: number }>;
  exportBatches(filter: ExportFilter): AsyncGenerator<ExportItem[]>;
  importConversations(input: {
    flows: ImportFlow[];
    conversations: ImportConversation[];
  }): Promise<ImportOutcome>;

  /**
   * Runs `work` while no other process sharing this data runs work under the same key
   * (a session's turns): PostgreSQL holds an advisory lock; SQLite serves one process.
   */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Runs `work` unless another process holds `key` now (a periodic pass); undefined when one does. */
  ifUnlocked<T>(key: string, work: () => Promise<T>): Promise<T | undefined>;

  /** What other processes on the same data committed since the last call; undefined when nothing. */
  readForeignChanges(): Promise<ForeignChanges | undefined>;

  /** Finishes queued writes and closes. */
  close(): Promise<void>;
}
