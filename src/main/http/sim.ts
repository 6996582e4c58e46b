/**
 * Sim-compatible memory routes (SPEC 4.2, the Memory block). Errors answer as
 * {success:false, error} (errors.ts does that for every /api/memory path).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  fromSimTools,
  isToolAdd,
  MEMORY_BODY_KEYS,
  MemoryAddRequest,
  MemoryAddResult,
  MemoryAllAnswer,
  MemoryAllQuery,
  MemoryByKeyParams,
  MemoryByKeyQuery,
  MemoryByKeyResult,
  MemoryDeleteQuery,
  MemoryDeleteResult,
  MemoryGetAnswer,
  MemoryGetQuery,
  MemoryToolAddResult,
} from '../../shared/schemas/sim';
import { parseMemoryKey } from '../../shared/schemas/sim-key';
import type { ServiceContext } from '../memory';
import { type MemoryAdd, type SimMemoryService, simMemoryService } from '../memory/sim-memory';
import { addAnswer, type MemoryEnvelope, memoryAnswer, memoryByKeyAnswer } from './memory-answer';
import { sendJsonText, streamedBody } from './streamed-body';

/**
 * A GET's answer is written as it is read (memory-answer.ts): memories of any size, never
 * one string near V8's limit; a page of every memory is bounded in size by the service.
 */
function sendMemories(reply: FastifyReply, text: AsyncGenerator<string>) {
  return reply.header('content-type', 'application/json; charset=utf-8').send(streamedBody(text, reply.raw));
}

function allMemories(
  reply: FastifyReply,
  memory: SimMemoryService,
  query: { limit: number; cursor?: string; workflowId?: string; workspaceId?: string },
) {
  const page = memory.page(query.limit, query.cursor);
  return sendMemories(reply, memoryAnswer(page.pieces, page.nextCursor, envelopeFor(query)));
}

/** Requests from Sim's own tools (they name a workflow or workspace) are answered in Sim's envelope. */
const envelopeFor = (scope: { workflowId?: string; workspaceId?: string }): MemoryEnvelope =>
  fromSimTools(scope) ? 'sim' : 'spec';

/** A key the schema accepted (sim-key.ts); the schema already refused any other. */
function keyOf(key: string) {
  const parsed = parseMemoryKey(key);
  if (!parsed.ok) throw new Error(`unparsed memory key: ${parsed.error}`);
  return parsed.value;
}

/** What either shape of add appends: the tools' `{key, data}` or SPEC 4.2's flat message. */
function toAdd(body: MemoryAddRequest): MemoryAdd {
  if (isToolAdd(body)) {
    const messages = Array.isArray(body.data) ? body.data : [body.data];
    return {
      ...keyOf(body.key),
      messages: messages.map(({ role, content, ...metadata }) => ({ role, content, metadata })),
    };
  }
  const metadata = Object.fromEntries(
    Object.entries(body).filter(([key]) => !(MEMORY_BODY_KEYS as readonly string[]).includes(key)),
  );
  return {
    // The schema refuses a body with neither.
    conversationId: (body.conversationId ?? body.id) as string,
    messages: [{ role: body.role, content: body.content, metadata }],
    blockId: body.blockId,
    blockName: body.blockName,
  };
}

const tags = ['sim'];

export async function simRoutes(app: FastifyInstance, options: { context: ServiceContext }) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const memory = simMemoryService(options.context);

  typed.post(
    '/api/memory',
    {
      schema: {
        tags,
        summary:
          "Append to a conversation's memory (creating an unknown block): one flat message, or Sim's tools' {key, data} with one message or several",
        body: MemoryAddRequest,
        response: { 200: z.union([MemoryAddResult, MemoryToolAddResult]) },
      },
    },
    // The answer holds the whole conversation on every add (of any size): read after the
    // commit and written as it is read, from typed records without the zod re-check (it
    // cost more than the rest of the request at 4,000 messages).
    async (request, reply) => {
      const memories = await memory.add(toAdd(request.body));
      return sendJsonText(reply, addAnswer(memories, isToolAdd(request.body) ? 'sim' : 'spec'));
    },
  );

  typed.get(
    '/api/memory',
    {
      schema: {
        tags,
        summary:
          "Memories by conversationId (or legacy id), blockId, blockName, Sim's key query or their intersection; without a filter, every memory (paged). An unknown parameter is refused.",
        querystring: MemoryGetQuery,
        response: { 200: MemoryGetAnswer },
      },
    },
    async (request, reply) => {
      const { limit, cursor, workflowId, workspaceId, userId: _user, ...selector } = request.query;
      const scope = { workflowId, workspaceId };
      if (!memory.hasFilter(selector)) return allMemories(reply, memory, { limit, cursor, ...scope });
      return sendMemories(reply, memoryAnswer(memory.find(selector), undefined, envelopeFor(scope)));
    },
  );

  typed.get(
    '/api/memory/:key',
    {
      schema: {
        tags,
        summary:
          'One memory by Sim\'s key ("<conversationId>:<blockId>", or a conversation id alone for block "default"): data is that memory or null',
        params: MemoryByKeyParams,
        querystring: MemoryByKeyQuery,
        response: { 200: MemoryByKeyResult },
      },
    },
    async (request, reply) => sendMemories(reply, memoryByKeyAnswer(memory.byKey(keyOf(request.params.key)))),
  );

  typed.get(
    '/api/memory/all',
    {
      schema: {
        tags,
        summary: 'Every memory, paged with limit and cursor',
        querystring: MemoryAllQuery,
        response: { 200: MemoryAllAnswer },
      },
    },
    async (request, reply) => allMemories(reply, memory, request.query),
  );

  typed.delete(
    '/api/memory',
    {
      schema: {
        tags,
        summary:
          'Delete the memories matching conversationId (or legacy id), blockId, blockName (at least one)',
        querystring: MemoryDeleteQuery,
        response: { 200: MemoryDeleteResult },
      },
    },
    async (request) => {
      const { workflowId: _workflow, workspaceId: _workspace, userId: _user, ...selector } = request.query;
      const deletedCount = await memory.remove(selector);
      const message = `Successfully deleted ${deletedCount} memories`;
      return { success: true as const, message, deletedCount, data: { message, deletedCount } };
    },
  );
}
