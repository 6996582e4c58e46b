import { z } from 'zod';
import { MessageContent, SessionId } from './common';

const FlowiseRole = z.enum(['userMessage', 'apiMessage'], {
  error: 'must be "userMessage" or "apiMessage"',
});

/**
 * One message of a prediction's `history`. SPEC names `{role, content}`; the flowise-sdk's
 * own type (and Flowise itself) also accept the older `{type, message}`, so both are read.
 */
const HistoryMessage = z
  .object({
    role: FlowiseRole.optional(),
    type: FlowiseRole.optional(),
    content: MessageContent.optional(),
    message: MessageContent.optional(),
  })
  .transform((m, ctx) => {
    const role = m.role ?? m.type;
    const content = m.content ?? m.message;
    if (role === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs "role": "userMessage" or "apiMessage"' });
    }
    if (content === undefined) ctx.addIssue({ code: 'custom', message: 'needs a non-empty "content"' });
    if (role === undefined || content === undefined) return z.NEVER;
    return { role: role === 'userMessage' ? ('user' as const) : ('assistant' as const), content };
  });

/**
 * `POST /api/v1/prediction/:flowId`, as Flowise and its SDK send it. Unknown keys (the SDK
 * sends `chatflowId`, `uploads`, ...) are ignored; the known ones are checked.
 */
export const PredictionBody = z.object({
  question: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .regex(/\S/, 'must not be empty or blank')
    .pipe(MessageContent),
  overrideConfig: z
    .object({ sessionId: SessionId.optional() })
    .optional()
    .describe('only sessionId is read; other overrides are ignored'),
  chatId: SessionId.optional().describe('the session when overrideConfig.sessionId is absent'),
  streaming: z
    .union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === true || v === 'true')
    .describe('answer as text/event-stream in Flowise wire format'),
  history: z
    .array(HistoryMessage)
    .max(10_000)
    .optional()
    .describe('earlier messages given to the responder before the stored ones; never stored'),
});
export type PredictionBody = z.output<typeof PredictionBody>;

/** The JSON answer (without streaming). */
export const PredictionAnswer = z.object({
  text: z.string(),
  question: z.string(),
  chatId: z.string(),
  chatMessageId: z.string().describe("the stored answer's id"),
  sessionId: z.string(),
  memoryType: z.literal('Mnemo'),
});
export type PredictionAnswer = z.infer<typeof PredictionAnswer>;

/** A streamed answer, as the OpenAPI document describes it (each event one `data:` line of JSON). */
export const PredictionEventStream = z
  .string()
  .describe(
    'Server-sent events, each written as `message:\\ndata:{"event":NAME,"data":PAYLOAD}\\n\\n`: start (the first token), token..., metadata ({chatId, chatMessageId, question, sessionId, memoryType}), then end with data "[DONE]". A failure after the start sends error (a message) then end; a stop (PUT /api/v1/chatmessage/abort) sends abort then end.',
  );

/** The `metadata` event of a streamed answer. */
export type PredictionMetadata = Omit<PredictionAnswer, 'text'>;

export const StreamingStatus = z.object({ isStreaming: z.boolean() });

export const MEMORY_TYPE = 'Mnemo';
