import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { BUSY_RETRY_AFTER_SECONDS, type FaultKind, storeFault } from '../store/faults';

/** An error a service raises on purpose: its status and message reach the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Extra fields for the JSON body (e.g. Flowise's isStreaming:false). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);

/** Sim's memory routes answer errors as {success:false, error}; every other route as Flowise does. */
export function errorBody(
  request: FastifyRequest,
  statusCode: number,
  message: string,
  extra: Record<string, unknown> = {},
) {
  if (request.url.startsWith('/api/memory')) return { success: false, error: message, ...extra };
  // The route the router chose, when it chose one: /V1/models or //v1/models reach it too.
  if ((request.routeOptions.url ?? request.url).startsWith('/v1/'))
    return openAiError(statusCode, message, extra);
  return { statusCode, success: false, message, ...extra };
}

/** OpenAI's error shape, for the OpenAI-compatible routes (/v1/*): the openai client reads error.message. */
function openAiError(statusCode: number, message: string, extra: Record<string, unknown>) {
  const type =
    statusCode === 401
      ? 'authentication_error'
      : statusCode === 403
        ? 'permission_error'
        : statusCode === 404
          ? 'not_found_error'
          : statusCode < 500
            ? 'invalid_request_error'
            : 'server_error';
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { error: { message, type, param: text(extra.param), code: text(extra.code) } };
}

const WHERE: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

function validationMessage(error: FastifyError): string {
  if (!hasZodFastifySchemaValidationErrors(error)) return error.message;
  const where = WHERE[error.validationContext ?? ''] ?? error.validationContext ?? 'request';
  return error.validation
    .map((v) => {
      const field = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return field ? `${where} field "${field}": ${v.message}` : `${where}: ${v.message}`;
    })
    .join('; ');
}

/** Fastify's own error codes for bodies, mapped to clear messages. */
const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Content-Type must be application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request body is larger than the 2 MiB limit',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
};

/** What a client sees of a fault beneath the store: 507 full disk, 503 busy (retry), 500 damaged file. */
export const FAULT_STATUS: Record<FaultKind, number> = { full: 507, busy: 503, corrupt: 500 };

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) {
    return reply
      .status(error.statusCode)
      .send(errorBody(request, error.statusCode, error.message, error.extra));
  }
  // Writes arrive converted by the write queue; a read's raw SQLite error is converted here.
  const fault = storeFault(error);
  if (fault) {
    const status = FAULT_STATUS[fault.kind];
    if (fault.kind === 'busy') reply.header('retry-after', String(BUSY_RETRY_AFTER_SECONDS));
    request.log.warn({ code: fault.code }, fault.message);
    return reply.status(status).send(errorBody(request, status, fault.message));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return reply.status(400).send(errorBody(request, 400, validationMessage(error)));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message = (error.code && BODY_ERRORS[error.code]) || error.message;
    return reply.status(status).send(errorBody(request, status, message));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send(errorBody(request, 500, 'internal error; see the server log'));
}

/**
 * The router's own refusals (a path that is not valid percent-encoded UTF-8, an overlong
 * path segment), which come before any hook, in the same JSON shape, without echoing
 * the URL (its query string may hold something secret).
 */
export function handleRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? 'the path is not valid percent-encoded UTF-8'
      : 'a path segment is too long';
  return reply.status(status).send(errorBody(request, status, message));
}
