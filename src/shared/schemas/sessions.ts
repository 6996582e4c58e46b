import { z } from 'zod';

import {
  ChatType,
  FlowId,
  IsoTime,
  isWellFormed,
  MessageContent,
  NOT_WELL_FORMED,
  queryDate,
  Role,
  SessionId,
  SortOrder,
} from './common';

/** A keyset cursor: nextCursor of the previous page, as given (base64url). */
const Cursor = z
  .string()
  .max(2000)
  .regex(/^[A-Za-z0-9_-]+$/, 'malformed cursor; pass nextCursor from the previous page as is');

/** A message as the native API and the window show it. */
export const Message = z.object({
  id: z.string(),
  role: Role,
  content: z.string(),
  createdAt: IsoTime,
  chatId: z.string(),
  chatType: ChatType,
  metadata: z.record(z.string(), z.unknown()).nullable(),
});
export type Message = z.infer<typeof Message>;

export { HIGHLIGHT_END, HIGHLIGHT_START } from '../highlight';

const Snippet = z.string().describe('text with each match wrapped in U+E000 … U+E001');

export const SessionSummary = z.object({
  flowId: z.string(),
  flowName: z.string(),
  sessionId: z.string(),
  title: z.string(),
  preview: z.string(),
  messageCount: z.number().int(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** With `q`: where the text matched. */
  snippet: Snippet.optional(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** Which sessions a list, a bulk delete or an export addresses. */
export const SessionFilter = z.object({
  flowId: FlowId.optional(),
  q: z.string().max(1000).optional().describe('full-text search over message content and titles'),
  startDate: queryDate('start').optional(),
  endDate: queryDate('end').optional(),
});
export type SessionFilterInput = z.input<typeof SessionFilter>;

export const SessionListQuery = SessionFilter.extend({
  sort: SortOrder.default('DESC'),
  by: z.enum(['updated', 'created']).default('updated'),
  limit: limit(500, 50),
  cursor: Cursor.optional(),
});
export type SessionListInput = z.input<typeof SessionListQuery>;

export const SessionList = z.object({
  items: z.array(SessionSummary),
  nextCursor: z.string().nullable(),
  /** How many match in all; with totalExact false, only at least this many (count them with countSessions). */
  total: z.number().int(),
  /** False when a search word is in so many messages that counting every match would slow the list down. */
  totalExact: z.boolean(),
});
export type SessionList = z.infer<typeof SessionList>;

export const SessionCount = z.object({ total: z.number().int() });

export const SessionKey = z.object({ flowId: FlowId, sessionId: SessionId });

export const SessionDetailQuery = z.object({
  sort: SortOrder.default('ASC').describe(
    'ASC: oldest first; DESC: newest first, nextCursor going back in time (a cursor only works with the sort it came from)',
  ),
  limit: limit(1000, 200),
  cursor: Cursor.optional(),
});

export const SessionDetail = SessionSummary.extend({
  messages: z
    .array(Message)
    .describe(
      'oldest first (newest first with sort=DESC); at most `limit`, and the page also ends after the message that brings its content and metadata to 32 MiB (at least one message per page)',
    ),
  nextCursor: z
    .string()
    .nullable()
    .describe('pass as `cursor` for the next page (a page can end early by size); null on the last page'),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

export const RenameBody = z.object({
  title: z.string().trim().min(1).max(200).refine(isWellFormed, NOT_WELL_FORMED),
});

export const DeleteSessionQuery = z.object({
  hard: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const BulkDeleteBody = z.object({
  filter: SessionFilter,
  /** What the window showed: the delete is refused (409) unless the filter matches exactly this many now. */
  expectedCount: z.number().int().min(0),
});

export const TrashItem = SessionSummary.extend({
  /** Names this conversation in the trash (restore, purge). */
  trashId: z.number().int(),
  trashedAt: IsoTime,
});
export type TrashItem = z.infer<typeof TrashItem>;

export const TrashList = z.object({
  items: z.array(TrashItem),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});
export type TrashList = z.infer<typeof TrashList>;

export const TrashListQuery = SessionDetailQuery.extend({
  flowId: FlowId.optional().describe("only this flow's conversations"),
});

export const TrashIds = z.object({ ids: z.array(z.number().int().min(1)).min(1).max(10_000) });

export const PurgeTrashQuery = z.object({
  ids: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated trash ids')
    .optional()
    .describe('only these trash ids; without it, empty the whole trash'),
});

export const SearchQuery = z.object({
  q: z.string().min(1).max(1000),
  flowId: FlowId.optional(),
  limit: limit(200, 50),
});

export const SearchHit = z.object({
  messageId: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  sessionId: z.string(),
  title: z.string(),
  role: Role,
  createdAt: IsoTime,
  snippet: Snippet,
});
export const SearchResult = z.object({ items: z.array(SearchHit) });

export const ContinueBody = z.object({
  content: MessageContent,
  /** Set by the window to receive `answer.delta` events for this answer while it streams. */
  requestId: z.string().max(100).optional(),
});
export const ContinueResult = z.object({ question: Message, answer: Message });

export const Count = z.object({ count: z.number().int() });

/** The id the window streams an answer under (`answer.delta` events), and stops it by. */
export const RequestId = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const RegenerateBody = z.object({
  /** Set by the window to receive `answer.delta` events for the new answer while it streams. */
  requestId: RequestId.optional(),
});
export const RegenerateResult = z.object({
  /** The new answer, stored in place of the old one. */
  answer: Message,
  /** The id of the answer it replaced (gone now). */
  replacedId: z.string(),
});

export const StopAnswerBody = z.object({ requestId: RequestId });
export const StopAnswerResult = z.object({
  /** Whether an answer was streaming under that id (false: it had finished, or never started). */
  stopped: z.boolean(),
});
export const MatchPositionsQuery = z.object({
  q: z.string().min(1).max(1000).describe('search text, the same language as GET /api/v1/search'),
  limit: limit(10_000, 1_000),
});

export const MatchPositions = z.object({
  /** How many messages of the conversation match. */
  total: z.number().int(),
  matches: z
    .array(
      z.object({
        messageId: z.string(),
        position: z
          .number()
          .int()
          .describe(
            'how many messages of the conversation are newer (0: the newest); its place in sort=DESC pages',
          ),
      }),
    )
    .describe('newest first, at most `limit`'),
});
export type MatchPositions = z.infer<typeof MatchPositions>;

/** A bulk delete's answer: how many went to the trash, and the batch that names exactly them (null when none). */
export const BulkDeleteResult = Count.extend({
  batch: z
    .number()
    .int()
    .nullable()
    .describe('pass to POST /api/v1/trash/restore-matching to undo exactly this delete'),
});

/** Which trashed conversations to restore at once: one bulk delete's batch and/or one flow, or all. */
export const RestoreMatchingBody = z.object({
  batch: z.number().int().min(1).optional().describe('only the conversations of this bulk delete'),
  flowId: FlowId.optional().describe("only this flow's conversations"),
  limit: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe('restore at most this many (the most recently trashed first); without it, all'),
});

export const RestoreMatchingResult = Count.extend({
  remaining: z.number().int().describe('how many that match are still in the trash'),
});
