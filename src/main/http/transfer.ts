/**
 * GET /api/v1/export streams an export; POST /api/v1/import takes a file (SPEC 4.3).
 * The import's body is the file itself, so this plugin reads JSON bodies as text, up to
 * its own limit (200 MiB instead of 2 MiB), and lets the service parse them: errors can
 * then name the line.
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
import { transferService } from '../memory/transfer';
import { errorBody, handleError } from './errors';
import { streamedBody } from './streamed-body';

const tags = ['native'];
const LIMIT_MIB = IMPORT_MAX_BYTES / 1024 / 1024;

export async function transferRoutes(app: FastifyInstance, options: { context: ServiceContext }) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const transfer = transferService(options.context);

  // In this plugin only: JSON bodies stay text, with the import's limit.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const message = `the file is larger than the ${LIMIT_MIB} MiB import limit`;
      return reply.status(413).send(errorBody(request, 413, message));
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
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        operationId: 'import',
        summary: `Import a file (Mnemo JSON, a Flowise View Messages export or a Sim memory array; up to ${LIMIT_MIB} MiB); idempotent`,
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
      const text = typeof request.body === 'string' ? request.body : '';
      return transfer.import(text, request.query.flowId);
    },
  );
}
