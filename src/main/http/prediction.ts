/**
 * Flowise's prediction API (SPEC 4.1): `POST /api/v1/prediction/:flowId`, answering JSON
 * or, with `streaming: true`, an event stream; and `GET /api/v1/chatflows-streaming/:flowId`,
 * which the flowise-sdk asks (without a key) before deciding to stream.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { FlowKey } from '../../shared/schemas/flows';
import {
  MEMORY_TYPE,
  PredictionAnswer,
  PredictionBody,
  PredictionEventStream,
  type PredictionMetadata,
  StreamingStatus,
} from '../../shared/schemas/prediction';
import type { ServiceContext } from '../memory';
import { createPredictionService } from '../memory/prediction';
import { TurnStoppedError } from '../memory/stopped-turn';
import { HttpError } from './errors';
import { FlowiseEventStream } from './flowise-stream';
import { KEY_OR_PUBLIC_FLOW } from './security';

export async function predictionRoutes(app: FastifyInstance, options: { context: ServiceContext }) {
  const prediction = createPredictionService(options.context);
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/chatflows-streaming/:flowId',
    {
      schema: {
        operationId: 'chatflowStreaming',
        summary: 'Whether the flow can stream its answers (no key needed, as the flowise-sdk sends none)',
        tags: ['flowise'],
        params: FlowKey,
        response: { 200: StreamingStatus },
        security: [],
      },
    },
    async (request) => {
      try {
        return { isStreaming: await prediction.isStreaming(request.params.flowId) };
      } catch (error) {
        // Flowise's 404 here still says isStreaming, which the flowise-sdk reads.
        if (error instanceof HttpError && error.statusCode === 404) {
          throw new HttpError(404, error.message, { isStreaming: false });
        }
        throw error;
      }
    },
  );

  typed.post(
    '/api/v1/prediction/:flowId',
    {
      config: { publicFlowParam: 'flowId' },
      schema: {
        operationId: 'createPrediction',
        summary:
          'Ask the flow for an answer that remembers the session; with streaming: true the answer is text/event-stream in Flowise format',
        tags: ['flowise'],
        params: FlowKey,
        body: PredictionBody,
        response: {
          200: {
            description: 'The answer: JSON, or with streaming: true (on a flow that streams) an event stream',
            content: {
              'application/json': { schema: PredictionAnswer },
              'text/event-stream': { schema: PredictionEventStream },
            },
          },
        },
        security: KEY_OR_PUBLIC_FLOW,
      },
    },
    async (request, reply) => {
      const { flowId } = request.params;
      const body = request.body;
      // The client going away before the answer is written aborts the responder.
      const disconnect = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableEnded) disconnect.abort(new HttpError(499, 'the client closed the request'));
      });
      const signal = disconnect.signal;

      if (!body.streaming || !(await prediction.isStreaming(flowId))) {
        const result = await prediction.predict(flowId, body, { signal }).catch((error) => {
          throw failure(signal, error);
        });
        const answer: PredictionAnswer = {
          text: result.answer.content,
          question: result.question.content,
          chatId: result.chatId,
          chatMessageId: result.answer.id,
          sessionId: result.sessionId,
          memoryType: MEMORY_TYPE,
        };
        return answer;
      }

      const stream = new FlowiseEventStream(reply);
      try {
        const result = await prediction.predict(flowId, body, {
          signal,
          onToken: (text) => {
            // Flowise's start event carries the first token, which also comes as a token event.
            if (!stream.started) stream.send('start', text);
            stream.send('token', text);
          },
        });
        const metadata: PredictionMetadata = {
          chatId: result.chatId,
          chatMessageId: result.answer.id,
          question: result.question.content,
          sessionId: result.sessionId,
          memoryType: MEMORY_TYPE,
        };
        stream.send('metadata', metadata);
        stream.end();
      } catch (error) {
        if (error instanceof TurnStoppedError) {
          // Flowise's stop button: the widget ends the answer on its abort event.
          stream.send('abort', error.message);
          stream.end();
          return reply;
        }
        if (!stream.started) throw failure(signal, error);
        if (signal.aborted) {
          reply.raw.destroy();
          return reply;
        }
        if (!(error instanceof HttpError)) request.log.error({ err: error }, 'streamed prediction failed');
        stream.send(
          'error',
          error instanceof HttpError ? error.message : 'internal error; see the server log',
        );
        stream.end();
      }
      return reply;
    },
  );
}

/** After a disconnect, whatever the responder threw is just the abort (499, nobody is listening). */
const failure = (signal: AbortSignal, error: unknown): unknown => (signal.aborted ? signal.reason : error);
