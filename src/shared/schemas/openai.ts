/**
 * The OpenAI-compatible routes (/v1/models, /v1/chat/completions): what the `openai`
 * client sends and reads. Fields Mnemo does not use (temperature, tools, n, ...) are
 * ignored, not refused, as the OpenAI API's clients send many.
 */
import { z } from 'zod';
import { FlowId, SessionId } from './common';

/** Where a request names its session: this header, else the body's `user` field. */
export const SESSION_HEADER = 'x-session-id';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
/** Parts other than text (images, audio, files) are accepted and left out: responders read text. */
const OtherPart = z.object({ type: z.string() }).loose();

export const ChatMessageContent = z
  .union([z.string(), z.array(z.union([TextPart, OtherPart])).max(1000), z.null()])
  .describe('a string, or content parts of which the text parts are read');

export const ChatCompletionMessage = z.object({
  role: z
    .enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'])
    .describe('developer is read as system; tool and function messages are left out'),
  content: ChatMessageContent.optional(),
});
export type ChatCompletionMessage = z.infer<typeof ChatCompletionMessage>;

export const ChatCompletionBody = z.object({
  model: FlowId.describe("the flow's id (GET /v1/models lists them)"),
  messages: z.array(ChatCompletionMessage).min(1).max(10_000),
  stream: z.boolean().nullish(),
  user: SessionId.optional().describe(
    'the session to remember, when no X-Session-Id header names one; without either, nothing is stored',
  ),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

/** Loose: the other headers stay as they came. */
export const ChatCompletionHeaders = z
  .object({
    [SESSION_HEADER]: SessionId.optional().describe(
      'the session whose memory is used and where the turn is stored (wins over `user`)',
    ),
  })
  .loose();

export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      finish_reason: z.literal('stop'),
      logprobs: z.null(),
    }),
  ),
});
export type ChatCompletion = z.infer<typeof ChatCompletion>;

export const ChatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({ role: z.literal('assistant').optional(), content: z.string().optional() }),
      finish_reason: z.literal('stop').nullable(),
      logprobs: z.null(),
    }),
  ),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

export const ModelList = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string().describe('a flow id'),
      object: z.literal('model'),
      created: z.number().int().describe('when the flow was created, epoch seconds'),
      owned_by: z.string(),
    }),
  ),
});
export type ModelList = z.infer<typeof ModelList>;

/** The text of a message's content: a string, or its text parts joined. */
export function contentText(content: ChatCompletionMessage['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is z.infer<typeof TextPart> => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/** `stream: true`: what the answer is, as text/event-stream. */
export const ChatCompletionEventStream = z
  .string()
  .describe(
    'Server-sent events as the OpenAI API sends them: `data: {chat.completion.chunk}` lines (the first with the role, then content deltas, the last with finish_reason), then `data: [DONE]`. A failure after the first chunk sends one `data: {"error":{...}}` line in the OpenAI error shape and ends the stream without [DONE].',
  );
