/**
 * The MCP tools' inputs, made from the schemas the HTTP routes validate with, so an
 * agent's arguments meet the same rules (ids, dates, sizes) as a script's query string.
 * Limits are smaller than the HTTP API's: what a tool returns lands in a model's context.
 */
import { z } from 'zod';
import { FlowId, MessageContent, Role, SessionId } from './common';
import { DEFAULT_FLOW_ID } from './flows';
import { SessionFilter, SessionKey, SessionListQuery } from './sessions';

const cursor = z
  .string()
  .max(2000)
  .optional()
  .describe('nextCursor from the previous call, to go on where it stopped');

const sessionKey = {
  flowId: FlowId.default(DEFAULT_FLOW_ID).describe(
    'the flow the conversation belongs to ("default" if not given)',
  ),
  sessionId: SessionId.describe('the conversation id within its flow (case-sensitive, verbatim)'),
};

export const SearchConversationsInput = z.object({
  query: z
    .string()
    .min(1)
    .max(1000)
    .describe(
      "words to find, as the window's search box takes them: every word must occur in a message or the title (case- and accent-insensitive); quotes and operators are plain text",
    ),
  flowId: SessionFilter.shape.flowId.describe('only conversations of this flow'),
  startDate: SessionFilter.shape.startDate.describe(
    'only conversations with a message at or after this time: ISO 8601 instant or YYYY-MM-DD (UTC)',
  ),
  endDate: SessionFilter.shape.endDate.describe(
    'only conversations with a message at or before this time: ISO 8601 instant or YYYY-MM-DD (UTC, the whole day)',
  ),
  limit: z.number().int().min(1).max(50).default(10).describe('conversations to return, 1-50'),
  cursor,
});

export const ListConversationsInput = z.object({
  flowId: SessionFilter.shape.flowId.describe('only conversations of this flow'),
  startDate: SearchConversationsInput.shape.startDate,
  endDate: SearchConversationsInput.shape.endDate,
  sort: SessionListQuery.shape.sort.describe('DESC: newest first (default); ASC: oldest first'),
  by: SessionListQuery.shape.by.describe(
    'sort by the last message (updated, default) or the first (created)',
  ),
  limit: z.number().int().min(1).max(100).default(20).describe('conversations to return, 1-100'),
  cursor,
});

/** Characters of message text one get_conversation call returns at most, by default and at most. */
export const CONVERSATION_CHARS_DEFAULT = 20_000;
const CONVERSATION_CHARS_MAX = 200_000;

export const GetConversationInput = z.object({
  ...sessionKey,
  limit: z.number().int().min(1).max(200).default(50).describe('messages to return at most, 1-200'),
  maxChars: z
    .number()
    .int()
    .min(100)
    .max(CONVERSATION_CHARS_MAX)
    .default(CONVERSATION_CHARS_DEFAULT)
    .describe('characters of message text to return at most; fewer messages come back when they are long'),
  cursor: z
    .string()
    .max(2000)
    .optional()
    .describe('nextCursor from the previous call: the page of messages before those it returned'),
});

export const AppendMessageInput = z.object({
  ...sessionKey,
  role: Role.describe('who said it: user, assistant or system'),
  content: MessageContent.describe('the message text (up to 1 MiB)'),
});

export const DeleteConversationInput = z.object({ ...sessionKey });

/** A conversation resource's URI parts. */
export const ConversationResourceKey = SessionKey;
export const CONVERSATION_URI_TEMPLATE = 'mnemo://flows/{flowId}/sessions/{sessionId}';
