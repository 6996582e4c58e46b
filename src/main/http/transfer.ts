/**
 * GET /api/v1/export streams an export; POST /api/v1/import takes a file (SPEC 4.3).
 * The import's body is the file itself: this plugin leaves JSON bodies unread and hands
 * the request stream to the service, which keeps it on disk while it checks it (up to
 * IMPORT_MAX_BYTES, never whole in memory), so errors can name the line.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ExportQuery,
  IMPORT_MAX_BYTES,
  ImportQuery,
  ImportResult,
  MnemoExport,
} from '../../shared/schemas/transfer';
import type { ServiceContext } from '../memory';
import { declaredTooLarge } from '../memory/import-spool';
import { transferService } from '../memory/transfer';
import { handleError } from './errors';
import { streamedBody } from './streamed-body';

const tags = ['native'];
const LIMIT_GIB = IMPORT_MAX_BYTES / 1024 ** 3;

export async function transferRoutes(app: FastifyInstance, options: { context: ServiceContext }) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const transfer = transferService(options.context);

  // In this plugin only: JSON bodies are left unread (the import streams request.raw).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (_request, _payload, done) => done(null));
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // A body refused before its end (413) is not read further: the connection closes.
    if (!request.raw.complete && (error as { statusCode?: number }).statusCode === 413) {
      reply.header('connection', 'close');
    }
    return handleError(error, request, reply);
  });

  typed.get(
    '/api/v1/export',
    {
      schema: {
        operationId: 'export',
        summary:
          'Stream the conversations matching the session filter (or one sessionId) as Mnemo JSON or Markdown',
        tags,
        querystring: ExportQuery,
        response: {
          200: {
            description:
              'An attachment. JSON: Mnemo JSON version 1, one flow or session per line (importable); Markdown: one section per conversation',
            content: {
              'application/json': { schema: MnemoExport },
              'text/markdown': { schema: z.string() },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const out = transfer.export(request.query);
      // A failure part-way ends the response broken, after a note in the text (streamed-body.ts).
      const body = streamedBody(out.chunks, reply.raw);
      // A stream is sent as it is (the response schema above only describes it).
      const raw: FastifyReply = reply;
      return raw
        .header('content-type', out.contentType)
        .header('content-disposition', `attachment; filename="${out.filename}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(body);
    },
  );

  typed.post(
    '/api/v1/import',
    {
      schema: {
        operationId: 'import',
        summary: `Import a file (Mnemo JSON, a Flowise View Messages export or a Sim memory array; up to ${LIMIT_GIB} GiB); idempotent; one at a time (409 while another runs)`,
        tags,
        querystring: ImportQuery,
        body: z
          .unknown()
          .describe(
            'the file itself, Content-Type application/json: Mnemo JSON, Flowise\'s [{id, source, sessionId, memoryType, messages:[{content, role:"user"|"bot", time}]}] or Sim\'s [{conversationId | key, blockId?, data:[{role, content}]}]',
          ),
        response: { 200: ImportResult },
      },
    },
    async (request) => {
      const tooLarge = declaredTooLarge(Number(request.headers['content-length'] ?? 0), IMPORT_MAX_BYTES);
      if (tooLarge) throw tooLarge;
      return transfer.import(request.raw, request.query.flowId);
    },
  );
}
