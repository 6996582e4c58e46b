/**
 * Sim-compatible memory (the Memory block): a block is a flow (`blockId` = flow id,
 * `blockName` = its name), a conversationId is a session id.
 */
import { z } from 'zod';
import { FlowId, MessageContent, Role, SessionId } from './common';
import { FlowName } from './flows';
import { parseMemoryKey, parseMemoryQuery } from './sim-key';

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

/**
 * Sim's own tools name their workflow or workspace (and may name a user) on every call.
 * Mnemo keeps one person's memory: these are accepted and do not scope anything.
 */
const ScopeId = SessionId.describe(
  "accepted for Sim's tools; Mnemo keeps one memory and does not scope by it",
);
const scopeShape = {
  workflowId: ScopeId.optional(),
  workspaceId: ScopeId.optional(),
  userId: ScopeId.optional(),
};

/** A request that names a workflow or workspace comes from Sim's tools: answered in Sim's `data` envelope. */
export const fromSimTools = (scope: { workflowId?: string; workspaceId?: string }) =>
  scope.workflowId !== undefined || scope.workspaceId !== undefined;

const MemoryKeyText = z
  .string()
  .superRefine((key, ctx) => {
    const parsed = parseMemoryKey(key);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  })
  .describe(
    '"<conversationId>:<blockId>" (split on the last colon) or a conversation id alone (block "default")',
  );

const ToolMessage = z
  .looseObject({ role: Role, content: MessageContent })
  .superRefine((message, ctx) => {
    for (const [key, value] of Object.entries(message)) {
      if (key === 'role' || key === 'content') continue;
      if (nestsDeeper(value, MAX_EXTRA_DEPTH)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `nests deeper than ${MAX_EXTRA_DEPTH} levels` });
      }
    }
  })
  .describe('extra keys are kept with the message and returned in its data');

/** The most messages one add of Sim's tools' shape appends. */
export const MAX_TOOL_MESSAGES = 1000;

/** The keys of SPEC 4.2's flat add: a body in the tools' shape must not mix them in. */
const FLAT_ADD_KEYS = ['conversationId', 'id', 'role', 'content'] as const;

/** An add as Sim's own Memory tool sends it: `{key, workflowId | workspaceId, data}`. */
export const MemoryToolAddBody = z
  .looseObject({
    key: MemoryKeyText,
    data: z.union([ToolMessage, z.array(ToolMessage).min(1).max(MAX_TOOL_MESSAGES)]),
    ...scopeShape,
  })
  .refine((body) => !FLAT_ADD_KEYS.some((key) => key in body), {
    message: `give either key and data or ${FLAT_ADD_KEYS.join(', ')}, not both`,
    path: ['key'],
  });
export type MemoryToolAddBody = z.output<typeof MemoryToolAddBody>;

const isToolShaped = (input: unknown) =>
  typeof input === 'object' && input !== null && 'key' in input && !FLAT_ADD_KEYS.some((key) => key in input);

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][] };

/** The branch a value was meant for: the first whose issues do not refuse its type outright. */
const meantBranch = (branches: Issue[][]) =>
  branches.find((issues) => !issues.some((i) => i.path.length === 0 && i.code === 'invalid_type')) ??
  branches[0] ??
  [];

/** A union's refusal told through the branch it was meant for, each field named by its path. */
function unionMessage(branch: Issue[], prefix: PropertyKey[] = []): string[] {
  return branch.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors) return unionMessage(meantBranch(issue.errors), path);
    return [path.length > 0 ? `field "${path.map(String).join('.')}": ${issue.message}` : issue.message];
  });
}

/**
 * POST /api/memory: SPEC 4.2's flat add or the tools' `{key, data}`. A refusal names the
 * fields of the shape the body was meant as (a union would only say "invalid input").
 */
// The flat add first: it is the hot path (the benchmark's append), the tools' shape is tried after.
export const MemoryAddRequest = z.union([MemoryAddBody, MemoryToolAddBody], {
  error: (issue) => {
    if (issue.code !== 'invalid_union' || !('errors' in issue)) return undefined;
    const errors = issue.errors as Issue[][];
    return unionMessage(errors[isToolShaped(issue.input) ? 1 : 0] ?? []).join('; ');
  },
});
export type MemoryAddRequest = z.output<typeof MemoryAddRequest>;

export const isToolAdd = (body: MemoryAddRequest): body is MemoryToolAddBody => !('role' in body);

const filterShape = {
  conversationId: ConversationId.optional(),
  id: LegacyId.optional(),
  blockId: FlowId.optional(),
  blockName: FlowName.optional(),
  ...scopeShape,
};

const MemoryQueryText = z
  .string()
  .superRefine((query, ctx) => {
    const parsed = parseMemoryQuery(query);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  })
  .describe(
    'Sim\'s key query: "<conversationId>:<blockId>" exactly, "<conversationId>:" (every block), ":<blockId>" (every conversation); without a colon, a conversation id',
  );

const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this server gave (use nextCursor as it came)')
    .optional()
    .describe('nextCursor of the previous page'),
};

/**
 * GET /api/memory: filtered (every match), or without any filter the paged list of all.
 * Strict: a misspelled filter is refused, never read as "no filter" (every memory).
 */
export const MemoryGetQuery = z.strictObject({ ...filterShape, query: MemoryQueryText.optional(), ...page });
export type MemoryGetQuery = z.output<typeof MemoryGetQuery>;

export const MemoryAllQuery = z.strictObject({ ...page, ...scopeShape });
export type MemoryAllQuery = z.output<typeof MemoryAllQuery>;

/** Strict: a misspelled filter is refused, never read as "no filter". */
export const MemoryDeleteQuery = z.strictObject(filterShape);
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

/** An add in the tools' shape: Sim's envelope, `data` being the conversation's memory. */
export const MemoryToolAddResult = z.object({ success: z.literal(true), data: MemoryObject });

/** GET /api/memory/:id: that conversation's memory in that block, or null. */
export const MemoryByKeyParams = z.object({ key: MemoryKeyText });
export const MemoryByKeyQuery = z.strictObject(scopeShape);
export const MemoryByKeyResult = z.object({ success: z.literal(true), data: MemoryObject.nullable() });

export const MemoryGetResult = z.object({
  success: z.literal(true),
  memories: z.array(MemoryObject),
  message: z.string(),
});

export const MemoryAllResult = MemoryGetResult.extend({ nextCursor: z.string().nullable() });

/** A GET from Sim's tools (naming a workflow or workspace): the memories in Sim's `data` envelope. */
export const MemoryToolGetResult = z.object({
  success: z.literal(true),
  data: z.object({ memories: z.array(MemoryObject) }),
  message: z.string(),
  nextCursor: z.string().nullable().optional(),
});

/** GET /api/memory: the filtered answer, or without a filter a page of all (in either envelope). */
export const MemoryGetAnswer = z.union([MemoryAllResult, MemoryGetResult, MemoryToolGetResult]);
export const MemoryAllAnswer = z.union([MemoryAllResult, MemoryToolGetResult]);

const deleted = { message: z.string(), deletedCount: z.number().int() };
/** SPEC 4.2's fields, and the same in the `data` envelope Sim's delete tool reads. */
export const MemoryDeleteResult = z.object({
  success: z.literal(true),
  ...deleted,
  data: z.object(deleted),
});
