/**
 * Flowise-compatible routes (SPEC 4.1, without prediction): chat messages, stats and
 * chatflows, answered in Flowise's shapes.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ChatFlow,
  ChatflowCreateBody,
  ChatflowParams,
  ChatflowUpdateBody,
  ChatMessageDeleteQuery,
  ChatMessageListQuery,
  ChatMessageParams,
  DeleteResult,
  FlowiseMessage,
  type FlowiseRole,
  FlowiseStats,
  StatsQuery,
} from '../../shared/schemas/flowise';
import { DeleteFlowQuery, type Flow } from '../../shared/schemas/flows';
import { MEMORY_TYPE } from '../../shared/schemas/prediction';
import type { ServiceContext } from '../memory';
import { conversationService } from '../memory/conversations';
import { flowService } from '../memory/flows';
import type { ChatMessageRecord, MessageRecord } from '../store';
import { sendJsonText } from './streamed-body';

const FLOWISE_ROLE: Record<MessageRecord['role'], FlowiseRole> = {
  user: 'userMessage',
  assistant: 'apiMessage',
  system: 'systemMessage',
};

const toFlowiseMessage = (flowId: string, m: ChatMessageRecord): FlowiseMessage => ({
  id: m.id,
  role: FLOWISE_ROLE[m.role],
  chatflowid: flowId,
  content: m.content,
  chatType: m.chatType,
  chatId: m.chatId,
  sessionId: m.sessionId,
  memoryType: MEMORY_TYPE,
  createdDate: new Date(m.createdAt).toISOString(),
});

/** The text of a Flowise message array, a piece of messages at a time. */
async function* flowiseArray(flowId: string, pieces: AsyncGenerator<ChatMessageRecord[]>) {
  let opened = false;
  for await (const piece of pieces) {
    if (piece.length === 0) continue;
    // One stringify per piece, its brackets dropped: a call per message cost twice the CPU.
    const json = JSON.stringify(piece.map((m) => toFlowiseMessage(flowId, m)));
    yield `${opened ? ',' : '['}${json.slice(1, -1)}`;
    opened = true;
  }
  yield opened ? ']' : '[]';
}

const EMPTY_FLOW_DATA = JSON.stringify({ nodes: [], edges: [] });

const toChatFlow = (flow: Flow): ChatFlow => ({
  id: flow.id,
  name: flow.name,
  flowData: EMPTY_FLOW_DATA,
  deployed: true,
  isPublic: flow.publicEmbed,
  apikeyid: null,
  chatbotConfig: null,
  apiConfig: null,
  analytic: null,
  speechToText: null,
  followUpPrompts: null,
  category: null,
  type: 'CHATFLOW',
  createdDate: flow.createdAt,
  updatedDate: flow.updatedAt,
  mnemo: { responder: flow.responder, hasApiKey: flow.hasApiKey, sessionCount: flow.sessionCount },
});

const tags = ['flowise'];

export async function flowiseRoutes(app: FastifyInstance, options: { context: ServiceContext }) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const conversations = conversationService(options.context);
  const flows = flowService(options.context);

  typed.get(
    '/api/v1/chatmessage/:flowId',
    {
      schema: {
        tags,
        summary: "A flow's messages, filtered, sorted and paged (Flowise's chat-message shape)",
        params: ChatMessageParams,
        querystring: ChatMessageListQuery,
        response: { 200: FlowiseMessage.array() },
      },
    },
    // Written as it is read (every match of a large flow can pass V8's longest string),
    // from typed records without the zod re-check (it cost more than the query, SPEC 9).
    async (request, reply) => {
      const { sort, order, limit, page, ...filter } = request.query;
      const { flowId } = request.params;
      const pieces = await conversations.list(flowId, filter, {
        order: sort ?? order ?? 'ASC',
        limit,
        page,
      });
      return sendJsonText(reply, flowiseArray(flowId, pieces));
    },
  );

  typed.delete(
    '/api/v1/chatmessage/:flowId',
    {
      schema: {
        tags,
        summary: 'Delete the matching messages (?trash=true: move whole matching conversations to the trash)',
        params: ChatMessageParams,
        querystring: ChatMessageDeleteQuery,
        response: { 200: DeleteResult },
      },
    },
    async (request) => {
      const { trash, limit: _limit, page: _page, ...filter } = request.query;
      const affected = await conversations.remove(request.params.flowId, filter, trash);
      return { raw: [], affected };
    },
  );

  typed.get(
    '/api/v1/stats/:flowId',
    {
      schema: {
        tags,
        summary: 'How many messages and sessions match (the chat-message filters)',
        params: ChatMessageParams,
        querystring: StatsQuery,
        response: { 200: FlowiseStats },
      },
    },
    async (request) => conversations.stats(request.params.flowId, request.query),
  );

  typed.get(
    '/api/v1/chatflows',
    { schema: { tags, summary: 'Every flow as a Flowise chatflow', response: { 200: ChatFlow.array() } } },
    async () => (await flows.list()).map(toChatFlow),
  );

  typed.post(
    '/api/v1/chatflows',
    {
      schema: {
        tags,
        summary: 'Create a flow (its responder and provider key under "mnemo")',
        body: ChatflowCreateBody,
        response: { 200: ChatFlow },
      },
    },
    async (request) => {
      const { id, name, isPublic, mnemo } = request.body;
      return toChatFlow(
        await flows.create({
          id,
          name,
          publicEmbed: isPublic,
          responder: mnemo?.responder ?? { kind: 'echo' },
          apiKey: mnemo?.apiKey,
        }),
      );
    },
  );

  typed.get(
    '/api/v1/chatflows/:id',
    {
      schema: {
        tags,
        summary: 'One flow as a Flowise chatflow',
        params: ChatflowParams,
        response: { 200: ChatFlow },
      },
    },
    async (request) => toChatFlow(await flows.get(request.params.id)),
  );

  typed.put(
    '/api/v1/chatflows/:id',
    {
      schema: {
        tags,
        summary: 'Rename a flow or change its responder / provider key (under "mnemo")',
        params: ChatflowParams,
        body: ChatflowUpdateBody,
        response: { 200: ChatFlow },
      },
    },
    async (request) => {
      const { name, isPublic, mnemo } = request.body;
      return toChatFlow(
        await flows.update(request.params.id, {
          name,
          publicEmbed: isPublic,
          responder: mnemo?.responder,
          apiKey: mnemo?.apiKey,
        }),
      );
    },
  );

  typed.delete(
    '/api/v1/chatflows/:id',
    {
      schema: {
        tags,
        summary: 'Delete a flow and all its conversations (needs ?confirm=true; not "default")',
        params: ChatflowParams,
        querystring: DeleteFlowQuery,
        response: { 200: DeleteResult },
      },
    },
    async (request) => {
      await flows.remove(request.params.id);
      return { raw: [], affected: 1 };
    },
  );
}
