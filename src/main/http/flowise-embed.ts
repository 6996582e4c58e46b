/**
 * The routes Flowise's embed widget calls besides the prediction: its chatbot config and
 * the stop button. A flow with publicEmbed answers them (and its prediction) without the
 * key to pages on the CORS allowlist (security.ts, `publicFlowParam`).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AbortAnswer,
  AbortParams,
  ChatbotConfigParams,
  PublicChatbotConfig,
} from '../../shared/schemas/flowise-embed';
import type { ServiceContext } from '../memory';
import { embedService } from '../memory/embed';
import { KEY_OR_PUBLIC_FLOW } from './security';

export async function flowiseEmbedRoutes(app: FastifyInstance, options: { context: ServiceContext }) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const embed = embedService(options.context);

  typed.get(
    '/api/v1/public-chatbotConfig/:id',
    {
      config: { publicFlowParam: 'id' },
      schema: {
        operationId: 'getPublicChatbotConfig',
        summary:
          "The embed widget's settings for a flow (no uploads, no speech); without the key for a publicEmbed flow from an allowlisted origin",
        tags: ['flowise'],
        params: ChatbotConfigParams,
        response: { 200: PublicChatbotConfig },
        security: KEY_OR_PUBLIC_FLOW,
      },
    },
    async (request) => embed.chatbotConfig(request.params.id),
  );

  typed.put(
    '/api/v1/chatmessage/abort/:flowId/:chatId',
    {
      config: { publicFlowParam: 'flowId' },
      schema: {
        operationId: 'abortChatMessage',
        summary:
          "Stop the answers running for this chatId (the widget's stop button): nothing of them is stored, a stream ends with an abort event",
        tags: ['flowise'],
        params: AbortParams,
        response: { 200: AbortAnswer },
        security: KEY_OR_PUBLIC_FLOW,
      },
    },
    async (request) => embed.stopChat(request.params.flowId, request.params.chatId),
  );
}
