/**
 * A DELETE (or OPTIONS) that says `Content-Type: application/json` but sends no body (Sim's
 * own delete tool does) is read as having no body, not refused as empty JSON. Every other
 * JSON body is parsed as Fastify's own parser does, under the same size limit.
 */
import type { FastifyInstance } from 'fastify';

const BODYLESS_BY_NATURE = new Set(['DELETE', 'OPTIONS']);

export function acceptEmptyJsonBodies(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0 && BODYLESS_BY_NATURE.has(request.method)) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
