/**
 * Flowise-compatible routes: chat messages, chatflows and stats, in Flowise's own
 * shapes (field names as Flowise's ChatMessage and ChatFlow entities have them).
 */
import { z } from 'zod';
import { ChatType, FlowId, IsoTime, queryDate, SessionId, SortOrder } from './common';
import { ApiKeyInput, FlowName, PublicEmbed, ResponderConfig } from './flows';

export const FlowiseRole = z.enum(['userMessage', 'apiMessage', 'systemMessage']);
export type FlowiseRole = z.infer<typeof FlowiseRole>;

export const ChatMessageParams = z.object({ flowId: FlowId });
export const ChatflowParams = z.object({ id: FlowId });

/** `ASC` or `DESC`, any case (Flowise hands it to TypeORM, which takes both). */
const SortQuery = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(SortOrder)
  .describe('ASC or DESC (any case)');

/**
 * `INTERNAL`, `EXTERNAL`, or a JSON array of them as Flowise's UI sends it
 * (`["EXTERNAL","INTERNAL"]`); both at once means no filter.
 */
const ChatTypeQuery = z
  .string()
  .regex(/^(INTERNAL|EXTERNAL|\[.*\])$/s, 'must be INTERNAL, EXTERNAL or a JSON array of them')
  .transform((text, ctx): ChatType | undefined => {
    let values: unknown = text;
    if (text.startsWith('[')) {
      try {
        values = JSON.parse(text);
      } catch {
        values = undefined;
      }
    }
    const list = Array.isArray(values) ? values : [values];
    const parsed = list.map((v) => ChatType.safeParse(v));
    if (list.length === 0 || parsed.some((p) => !p.success)) {
      ctx.addIssue({ code: 'custom', message: 'must be INTERNAL, EXTERNAL or a JSON array of them' });
      return z.NEVER;
    }
    const types = new Set(parsed.map((p) => p.data));
    return types.size === 1 ? [...types][0] : undefined;
  })
  .describe('INTERNAL, EXTERNAL, or a JSON array such as ["EXTERNAL","INTERNAL"]');

/** The filters every chat-message route takes (read, delete, stats). */
const filterShape = {
  sessionId: SessionId.optional(),
  chatId: SessionId.optional(),
  chatType: ChatTypeQuery.optional(),
  startDate: queryDate('start').optional(),
  endDate: queryDate('end').optional(),
};

type Range = { startDate?: number; endDate?: number };
const rangeInOrder = (q: Range) =>
  q.startDate === undefined || q.endDate === undefined || q.startDate <= q.endDate;
const RANGE_ERROR = { message: 'must not be before startDate', path: ['endDate'] };

export const ChatMessageListQuery = z
  .object({
    ...filterShape,
    sort: SortQuery.optional().describe('ASC or DESC by createdDate; default ASC'),
    order: SortQuery.optional().describe('alias of sort (the name Flowise uses)'),
    limit: z.coerce.number().int().min(1).max(10_000).optional().describe('default: every match'),
    page: z.coerce.number().int().min(1).optional().describe('1-based; needs limit'),
  })
  .refine(rangeInOrder, RANGE_ERROR)
  .refine((q) => q.sort === undefined || q.order === undefined || q.sort === q.order, {
    message: 'disagrees with sort (order is an alias of sort: give one)',
    path: ['order'],
  })
  .refine((q) => q.page === undefined || q.limit !== undefined, {
    message: 'needs limit (the page size)',
    path: ['page'],
  });
export type ChatMessageListQuery = z.output<typeof ChatMessageListQuery>;

const NOT_ON_DELETE = 'is not accepted here: a delete removes every match, it does not page';

export const ChatMessageDeleteQuery = z
  .object({
    ...filterShape,
    trash: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true')
      .describe('true: move whole matching conversations to the trash instead of deleting messages'),
    limit: z.never({ error: NOT_ON_DELETE }).optional(),
    page: z.never({ error: NOT_ON_DELETE }).optional(),
  })
  .refine(rangeInOrder, RANGE_ERROR);
export type ChatMessageDeleteQuery = z.output<typeof ChatMessageDeleteQuery>;

export const StatsQuery = z.object(filterShape).refine(rangeInOrder, RANGE_ERROR);
export type StatsQuery = z.output<typeof StatsQuery>;

/** A message as Flowise's chat-message API shows it. */
export const FlowiseMessage = z.object({
  id: z.string(),
  role: FlowiseRole,
  chatflowid: z.string(),
  content: z.string(),
  chatType: ChatType,
  chatId: z.string(),
  sessionId: z.string(),
  memoryType: z.string(),
  createdDate: IsoTime,
});
export type FlowiseMessage = z.infer<typeof FlowiseMessage>;

/** TypeORM's DeleteResult, which Flowise answers a delete with. */
export const DeleteResult = z.object({ raw: z.array(z.unknown()), affected: z.number().int() });

export const FlowiseStats = z.object({ totalMessages: z.number().int(), totalSessions: z.number().int() });

/** What Mnemo adds to a chatflow: the responder that answers predictions. */
const MnemoFlowInput = z
  .object({
    responder: ResponderConfig.optional(),
    apiKey: ApiKeyInput.describe('provider key (kept in the OS keychain; never returned); null removes it'),
  })
  .describe("Mnemo's own settings of the flow");

export const ChatflowCreateBody = z.object({
  id: FlowId.optional().describe('defaults to a new UUID'),
  name: FlowName,
  isPublic: PublicEmbed.optional(),
  mnemo: MnemoFlowInput.optional(),
});
export type ChatflowCreateBody = z.output<typeof ChatflowCreateBody>;

export const ChatflowUpdateBody = z.object({
  name: FlowName.optional(),
  isPublic: PublicEmbed.optional(),
  mnemo: MnemoFlowInput.optional(),
});
export type ChatflowUpdateBody = z.output<typeof ChatflowUpdateBody>;

/** A chatflow in the shape of Flowise's ChatFlow entity, plus Mnemo's settings under `mnemo`. */
export const ChatFlow = z.object({
  id: z.string(),
  name: z.string(),
  flowData: z.string().describe('always an empty graph: Mnemo flows have no nodes'),
  deployed: z.boolean(),
  isPublic: z.boolean().describe("the flow's publicEmbed"),
  apikeyid: z.string().nullable(),
  chatbotConfig: z.string().nullable(),
  apiConfig: z.string().nullable(),
  analytic: z.string().nullable(),
  speechToText: z.string().nullable(),
  followUpPrompts: z.string().nullable(),
  category: z.string().nullable(),
  type: z.literal('CHATFLOW'),
  createdDate: IsoTime,
  updatedDate: IsoTime,
  mnemo: z.object({
    responder: ResponderConfig,
    hasApiKey: z.boolean(),
    sessionCount: z.number().int(),
  }),
});
export type ChatFlow = z.infer<typeof ChatFlow>;
