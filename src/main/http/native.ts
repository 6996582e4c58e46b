import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  type Handlers,
  type Operation,
  type OperationName,
  operationNames,
  operations,
} from '../../shared/contract';

/**
 * Mnemo's native API, generated from the contract: each operation becomes a route that
 * validates its params, query and body, calls its handler and serializes the answer.
 */
export async function nativeRoutes(app: FastifyInstance, options: { handlers: Handlers }) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const name of operationNames) {
    const op: Operation = operations[name];
    const handler = options.handlers[name] as (input: unknown) => Promise<unknown>;
    const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
    typed.route({
      method: op.method,
      url: op.path,
      schema: {
        operationId: name,
        summary: op.summary,
        tags: ['native'],
        ...(Object.keys(op.params.shape).length ? { params: op.params } : {}),
        ...(Object.keys(op.query.shape).length ? { querystring: op.query } : {}),
        ...(hasBody ? { body: op.body } : {}),
        response: { 200: op.output },
        ...(isPublic(name) ? { security: [] } : {}),
      },
      handler: (request) =>
        handler({
          ...(request.params as object),
          ...(request.query as object),
          ...(hasBody ? (request.body as object) : {}),
        }),
    });
  }
}

const isPublic = (name: OperationName) => name === 'health';
