/**
 * What makes the OpenAPI document say what the server does, for every route, the ones
 * added later included: an operationId, the error answers each route can give (with the
 * body errors.ts writes), and the address it is served at. Routes only declare their
 * success answers; the rules every request meets (security.ts, the body parsers,
 * errors.ts) are added here from what the route declares.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, OpenAiErrorBody, SimErrorBody } from '../../shared/schemas/errors';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type JsonSchema = Record<string, unknown>;

const errorSchemas = {
  flowise: z.toJSONSchema(ErrorBody, { target: 'openapi-3.0' }) as JsonSchema,
  sim: z.toJSONSchema(SimErrorBody, { target: 'openapi-3.0' }) as JsonSchema,
  openai: z.toJSONSchema(OpenAiErrorBody, { target: 'openapi-3.0' }) as JsonSchema,
};

/** Sim's memory routes answer errors in Sim's shape (errors.ts errorBody decides the same way). */
export const isSimPath = (url: string) => url.startsWith('/api/memory');
/** The OpenAI-compatible routes answer errors in OpenAI's shape (errors.ts errorBody too). */
const isOpenAiPath = (url: string) => url.startsWith('/v1/');

/** `POST /api/v1/sessions/:flowId/messages` -> `postApiV1SessionsByFlowIdMessages`: for routes without a name of their own. */
export function defaultOperationId(method: string, url: string): string {
  const words = url
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `By${cap(part.slice(1))}` : part === '*' ? 'Any' : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map(cap);
  return method.toLowerCase() + words.join('');
}
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const hasKeys = (schema: unknown) =>
  typeof schema === 'object' &&
  schema !== null &&
  Object.keys((schema as JsonSchema).properties ?? {}).length > 0;

/** The error answers a route can give, from what it declares. */
function errorResponses(url: string, method: string, schema: JsonSchema): Record<string, JsonSchema> {
  const body = isSimPath(url)
    ? errorSchemas.sim
    : isOpenAiPath(url)
      ? errorSchemas.openai
      : errorSchemas.flowise;
  const answer = (description: string) => ({ ...body, description });
  const security = schema.security as unknown[] | undefined;
  const open = Array.isArray(security) && security.length === 0;
  const responses: Record<string, JsonSchema> = {
    400: answer(
      'A parameter, query field or body field is not valid (the message names it), or the request target is not the plain path of the route',
    ),
    403: answer('The Host header is not this server (DNS-rebinding protection)'),
  };
  if (!open) responses[401] = answer('Missing or wrong API key: send Authorization: Bearer <key>');
  if (url.includes(':')) responses[404] = answer('What the path names does not exist');
  if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE' && hasKeys(schema.body)) {
    responses[413] = answer('The body is larger than the 2 MiB limit');
    responses[415] = answer('The body is not application/json');
  }
  responses.default = answer(
    'Any other refusal or failure, with its status: 409 conflict, 503 busy (Retry-After), 507 disk full, 502/504 upstream model, 500 damaged store',
  );
  return responses;
}

/**
 * fastify-swagger's transform: the zod schemas as JSON Schema (fastify-type-provider-zod),
 * then a default operationId and the error answers added where the route has none.
 */
export function exactTransform(input: TransformInput) {
  const result = jsonSchemaTransform(input) as { schema: JsonSchema; url: string };
  const { schema } = result;
  if (!schema || schema.hide) return result;
  const route = (input as { route?: RouteOptions }).route;
  const method = String(Array.isArray(route?.method) ? route?.method[0] : (route?.method ?? 'GET'));
  schema.operationId ??= defaultOperationId(method, result.url);
  const response = (schema.response ?? {}) as Record<string, unknown>;
  for (const [status, answer] of Object.entries(errorResponses(result.url, method, schema))) {
    response[status] ??= answer;
  }
  schema.response = response;
  return result;
}

/** The `servers` entry: where this server answers, as the client reached it (the Host header passed the Host check). */
export function serversOf(request: FastifyRequest): Array<{ url: string }> {
  return [{ url: `${request.protocol}://${request.headers.host ?? request.host}` }];
}
