/**
 * The OpenAI-compatible door (/v1): `GET /v1/models` lists the flows as models, and
 * `POST /v1/chat/completions` answers with the named flow's responder, JSON or streamed
 * as the OpenAI API streams. A session named by the X-Session-Id header (or the `user`
 * field) is remembered: its stored memory comes before the messages sent, and the last
 * user message and the answer are stored as a prediction stores them. Without one,
 * nothing is stored. Errors come in OpenAI's shape (errors.ts).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MessageContent } from '../../shared/schemas/common';
import {
  ChatCompletion,
  ChatCompletionBody,
  ChatCompletionEventStream,
  ChatCompletionHeaders,
  type ChatCompletionMessage,
  contentText,
  ModelList,
  SESSION_HEADER,
} from '../../shared/schemas/openai';
import type { ServiceContext } from '../memory';
import { flowService } from '../memory/flows';
import { createPredictionService } from '../memory/prediction';
import type { ChatTurn } from '../memory/responders';
import { HttpError } from './errors';
import { OpenAiEventStream } from './openai-stream';

/** The question (the last message, which must be the user's) and what came before it. */
function splitMessages(messages: ChatCompletionMessage[]): { context: ChatTurn[]; question: string } {
  const last = messages[messages.length - 1] as ChatCompletionMessage;
  const param = `messages.${messages.length - 1}`;
  if (last.role !== 'user') {
    throw new HttpError(400, `body field "${param}.role": the last message must be the user's`, { param });
  }
  const question = MessageContent.safeParse(contentText(last.content));
  if (!question.success) {
    const reason = question.error.issues[0]?.message ?? 'is not valid text';
    throw new HttpError(400, `body field "${param}.content": its text ${reason}`, { param });
  }
  const context: ChatTurn[] = [];
  for (const message of messages.slice(0, -1)) {
    if (message.role === 'tool' || message.role === 'function') continue;
    const content = contentText(message.content);
    if (content === '') continue;
    context.push({ role: message.role === 'developer' ? 'system' : message.role, content });
  }
  return { context, question: question.data };
}

export async function openAiRoutes(app: FastifyInstance, options: { context: ServiceContext }) {
  const prediction = createPredictionService(options.context);
  const flows = flowService(options.context);
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/v1/models',
    {
      schema: {
        operationId: 'openAiListModels',
        summary: 'The flows, as OpenAI-style models (the model names the flow)',
        tags: ['openai'],
        response: { 200: ModelList },
      },
    },
    async () => {
      const items = await flows.list();
      const list: ModelList = {
        object: 'list',
        data: items.map((flow) => ({
          id: flow.id,
          object: 'model',
          created: Math.floor(Date.parse(flow.createdAt) / 1000),
          owned_by: 'mnemo',
        })),
      };
      return list;
    },
  );

  typed.post(
    '/v1/chat/completions',
    {
      schema: {
        operationId: 'openAiChatCompletion',
        summary:
          "Answer with the flow's responder (model = flow id); a session (X-Session-Id header, else `user`) is remembered and stored; stream: true answers text/event-stream chunks ending in [DONE]",
        tags: ['openai'],
        headers: ChatCompletionHeaders,
        body: ChatCompletionBody,
        response: {
          200: {
            description:
              'The answer: JSON, or with stream: true an event stream of chat.completion.chunk objects',
            content: {
              'application/json': { schema: ChatCompletion },
              'text/event-stream': { schema: ChatCompletionEventStream },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const sessionId = request.headers[SESSION_HEADER] ?? body.user;
      const { context, question } = splitMessages(body.messages);
      const meta = {
        id: `chatcmpl-${randomUUID()}`,
        created: Math.floor(Date.now() / 1000),
        model: body.model,
      };

      const disconnect = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableEnded) disconnect.abort(new HttpError(499, 'the client closed the request'));
      });
      const signal = disconnect.signal;
      const ask = (onToken?: (text: string) => void) =>
        prediction
          .chat(body.model, { sessionId, context, question }, { signal, onToken })
          .catch((error: unknown) => {
            if (signal.aborted) throw signal.reason;
            if (error instanceof HttpError && error.statusCode === 404) {
              throw new HttpError(
                404,
                `model "${body.model}" is not a Mnemo flow; GET /v1/models lists them`,
                {
                  param: 'model',
                  code: 'model_not_found',
                },
              );
            }
            throw error;
          });

      if (!body.stream) {
        const { text } = await ask();
        const completion: ChatCompletion = {
          ...meta,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: text, refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
        };
        return completion;
      }

      const stream = new OpenAiEventStream(reply, meta);
      try {
        const { text } = await ask((piece) => stream.text(piece));
        // A responder that does not stream answers in one piece.
        if (!stream.started) stream.text(text);
        stream.finish();
      } catch (error) {
        if (!stream.started) throw error;
        if (signal.aborted) {
          reply.raw.destroy();
          return reply;
        }
        if (!(error instanceof HttpError))
          request.log.error({ err: error }, 'streamed chat completion failed');
        stream.fail(
          error instanceof HttpError
            ? { message: error.message, type: 'server_error' }
            : { message: 'internal error; see the server log', type: 'server_error' },
        );
      }
      return reply;
    },
  );
}
