import type { ChatType, Role } from '../../shared/schemas/common';

/** Plain records the store hands out; times are epoch milliseconds. */
export interface FlowRecord {
  id: string;
  name: string;
  /** The responder configuration as stored (JSON, no secrets); services validate it. */
  responder: unknown;
  /** Days without activity before its conversations go to the trash; null keeps them. */
  retentionDays: number | null;
  /** Web pages on allowlisted origins may chat with it without the key. */
  publicEmbed: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface FlowWithCount extends FlowRecord {
  /** Live (not trashed) conversations. */
  sessionCount: number;
}

export interface ConversationRecord {
  /** Internal row id: stable, also names a conversation in the trash. */
  id: number;
  flowId: string;
  sessionId: string;
  title: string | null;
  preview: string;
  messageCount: number;
  createdAt: number;
  updatedAt: number;
  trashedAt: number | null;
}

export interface MessageRecord {
  id: string;
  flowId: string;
  sessionId: string;
  role: Role;
  content: string;
  createdAt: number;
  chatId: string;
  chatType: ChatType;
  metadata: Record<string, unknown> | null;
}

/** What Flowise's chat-message answer shows of a message (its flow is the one asked for). */
export type ChatMessageRecord = Pick<
  MessageRecord,
  'id' | 'role' | 'content' | 'createdAt' | 'chatId' | 'chatType' | 'sessionId'
>;

export interface NewMessage {
  role: Role;
  content: string;
  chatType: ChatType;
  /** Defaults to the session id. */
  chatId?: string;
  metadata?: Record<string, unknown> | null;
  /** Defaults to now; imports bring their own. */
  createdAt?: number;
  /** Defaults to a new UUIDv7; imports bring their own. */
  id?: string;
  /** Content hash of a message imported from a file without ids (Flowise, Sim): a re-import skips it. */
  importKey?: string | null;
}

/** Which messages a Flowise-style read or delete addresses (all optional). */
export interface MessageFilter {
  flowId: string;
  sessionId?: string;
  chatId?: string;
  chatType?: ChatType;
  startDate?: number;
  endDate?: number;
}
