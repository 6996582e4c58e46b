/**
 * Sim-compatible memory routes (SPEC 4.2, the Memory block). Errors answer as
 * {success:false, error} (errors.ts does that for every /api/memory path).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  MEMORY_BODY_KEYS,
  MemoryAddBody,
  MemoryAddResult,
  MemoryAllQuery,
  MemoryAllResult,
  MemoryDeleteQuery,
  MemoryDeleteResult,
  MemoryGetAnswer,
  MemoryGetQuery,
} from '../../shared/schemas/sim';
import type { ServiceContext } from '../memory';
import { type SimMemoryService, simMemoryService } from '../memory/sim-memory';
import { addAnswer, memoryAnswer } from './memory-answer';
import { sendJsonText, streamedBody } from './streamed-body';

/**
 * A GET's answer is written as it is read (memory-answer.ts): memories of any size, never
 * one string near V8's limit; a page of every memory is bounded in size by the service.
 */
function sendMemories(reply: FastifyReply, text: AsyncGenerator<string>) {
  return reply.header('content-type', 'application/json; charset=utf-8').send(streamedBody(text, reply.raw));
}

function allMemories(reply: FastifyReply, memory: SimMemoryService, limit: number, cursor?: string) {
  const page = memory.page(limit, cursor);
  return sendMemories(reply, memoryAnswer(page.pieces, page.nextCursor));
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
        summary: "Append one message to a conversation's memory (creating an unknown block)",
        body: MemoryAddBody,
        response: { 200: MemoryAddResult },
      },
    },
    // The answer holds the whole conversation on every add (of any size): read after the
    // commit and written as it is read, from typed records without the zod re-check (it
    // cost more than the rest of the request at 4,000 messages).
    async (request, reply) => {
      const body = request.body;
      const metadata = Object.fromEntries(
        Object.entries(body).filter(([key]) => !(MEMORY_BODY_KEYS as readonly string[]).includes(key)),
      );
      const memories = await memory.add({
        // The schema refuses a body with neither.
        conversationId: (body.conversationId ?? body.id) as string,
        role: body.role,
        content: body.content,
        blockId: body.blockId,
        blockName: body.blockName,
        metadata,
      });
      return sendJsonText(reply, addAnswer(memories));
    },
  );

  typed.get(
    '/api/memory',
    {
      schema: {
        tags,
        summary:
          'Memories by conversationId (or legacy id), blockId, blockName or their intersection; without a filter, every memory (paged)',
        querystring: MemoryGetQuery,
        response: { 200: MemoryGetAnswer },
      },
    },
    async (request, reply) => {
      const { limit, cursor, ...selector } = request.query;
      if (!memory.hasFilter(selector)) return allMemories(reply, memory, limit, cursor);
      return sendMemories(reply, memoryAnswer(memory.find(selector)));
    },
  );

  typed.get(
    '/api/memory/all',
    {
      schema: {
        tags,
        summary: 'Every memory, paged with limit and cursor',
        querystring: MemoryAllQuery,
        response: { 200: MemoryAllResult },
      },
    },
    async (request, reply) => allMemories(reply, memory, request.query.limit, request.query.cursor),
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
      const deletedCount = await memory.remove(request.query);
      return {
        success: true as const,
        message: `Successfully deleted ${deletedCount} memories`,
        deletedCount,
      };
    },
  );
}
