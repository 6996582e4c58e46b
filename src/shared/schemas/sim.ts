/**
 * Sim-compatible memory (the Memory block): a block is a flow (`blockId` = flow id,
 * `blockName` = its name), a conversationId is a session id.
 */
import { z } from 'zod';
import { FlowId, MessageContent, Role, SessionId } from './common';
import { FlowName } from './flows';

const ConversationId = SessionId.describe('the conversation (a session id)');
const LegacyId = SessionId.describe('legacy name of conversationId; conversationId wins when both are given');

/** The body keys Mnemo reads; any other key travels with the message as metadata. */
export const MEMORY_BODY_KEYS = ['conversationId', 'id', 'role', 'content', 'blockId', 'blockName'] as const;

/** Extra keys are kept as JSON; deeper nesting is refused (serializing it would exhaust the stack). */
export const MAX_EXTRA_DEPTH = 32;

export const nestsDeeper = (value: unknown, levels: number): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (levels === 0 || Object.values(value).some((v) => nestsDeeper(v, levels - 1)));

export const MemoryAddBody = z
  .looseObject({
    conversationId: ConversationId.optional(),
    id: LegacyId.optional(),
    role: Role,
    content: MessageContent,
    blockId: FlowId.optional().describe('the block (a flow id); default "default"'),
    blockName: FlowName.optional().describe('the name of a block created by this add'),
  })
  .refine((b) => b.conversationId !== undefined || b.id !== undefined, {
    message: 'is required (or the legacy "id")',
    path: ['conversationId'],
  })
  .superRefine((body, ctx) => {
    for (const [key, value] of Object.entries(body)) {
      if ((MEMORY_BODY_KEYS as readonly string[]).includes(key)) continue;
      if (nestsDeeper(value, MAX_EXTRA_DEPTH)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `nests deeper than ${MAX_EXTRA_DEPTH} levels` });
      }
    }
  })
  .describe('extra keys are kept with the message and returned in its data');
export type MemoryAddBody = z.output<typeof MemoryAddBody>;

const filterShape = {
  conversationId: ConversationId.optional(),
  id: LegacyId.optional(),
  blockId: FlowId.optional(),
  blockName: FlowName.optional(),
};

const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
};

/** GET /api/memory: filtered (every match), or without any filter the paged list of all. */
export const MemoryGetQuery = z.object({ ...filterShape, ...page });
export type MemoryGetQuery = z.output<typeof MemoryGetQuery>;

export const MemoryAllQuery = z.object(page);
export type MemoryAllQuery = z.output<typeof MemoryAllQuery>;

export const MemoryDeleteQuery = z.object(filterShape);
export type MemoryDeleteQuery = z.output<typeof MemoryDeleteQuery>;

/** One message of a memory: role, content and the extra keys it was added with. */
export const MemoryMessage = z.looseObject({ role: Role, content: z.string() });

export const MemoryObject = z.object({
  key: z.string().describe('<conversationId>:<blockId>'),
  conversationId: z.string(),
  blockId: z.string(),
  blockName: z.string(),
  data: z.array(MemoryMessage).describe('oldest first'),
});
export type MemoryObject = z.infer<typeof MemoryObject>;

export const MemoryAddResult = z.object({ success: z.literal(true), memories: z.array(MemoryObject) });

export const MemoryGetResult = z.object({
  success: z.literal(true),
  memories: z.array(MemoryObject),
  message: z.string(),
});

export const MemoryAllResult = MemoryGetResult.extend({ nextCursor: z.string().nullable() });

/** GET /api/memory: the filtered answer, or without a filter a page of all. */
export const MemoryGetAnswer = z.union([MemoryAllResult, MemoryGetResult]);

export const MemoryDeleteResult = z.object({
  success: z.literal(true),
  message: z.string(),
  deletedCount: z.number().int(),
});
