/**
 * The rules every request meets before a route sees it (SPEC section 3): the Host
 * check against DNS rebinding, the bearer key, CORS only for allowlisted origins, and
 * JSON-only bodies.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from './errors';
import { publicPlainly, routedPlainly } from './request-target';

export interface SecurityOptions {
  /** Current key (read on every request, so it can be regenerated). */
  apiKey: () => string;
  /** Allowed `Host` values, or null to skip the check (bound to a non-loopback address). */
  allowedHosts: () => Set<string> | null;
  /** Origins that get CORS grants now (read per request: Settings can change them). */
  corsOrigins: () => readonly string[];
  /** Whether a flow lets allowlisted web pages call its embed routes without the key. */
  publicFlow: (flowId: string) => Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The path parameter naming a flow: when that flow has publicEmbed, a request from an
     * allowlisted Origin needs no key on this route (Flowise's embed widget on a page).
     */
    publicFlowParam?: string;
  }
}

/** The OpenAPI security of a route that a publicEmbed flow opens: the key, or nothing. */
export const KEY_OR_PUBLIC_FLOW: Array<Record<string, string[]>> = [{ bearer: [] }, {}];

/**
 * Whether the route the router chose may be called without the key: its schema says
 * `security: []` (the OpenAPI document shows the same), and the path as sent spells that
 * route plainly. The decision is made on the route, never on the raw target, which the
 * router reads differently (decoded, absolute form).
 */
function isPublic(request: FastifyRequest): boolean {
  const security = request.routeOptions.schema?.security;
  return Array.isArray(security) && security.length === 0 && publicPlainly(request);
}
/**
 * Whether the route the router chose is one a public flow opens, the request comes from
 * an allowlisted page, and the flow it names (the decoded path parameter the route
 * runs with) has publicEmbed. Decided on the route and its parameters, never the raw target.
 */
async function openedByPublicFlow(
  request: FastifyRequest,
  allowedOrigin: boolean,
  options: SecurityOptions,
): Promise<boolean> {
  const param = request.routeOptions.config?.publicFlowParam;
  if (!param || !allowedOrigin || !publicPlainly(request)) return false;
  const flowId = (request.params as Record<string, unknown>)[param];
  return typeof flowId === 'string' && (await options.publicFlow(flowId));
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest();

/** The current key's digest, computed again only when the key changes (it is read per request). */
let expected = { key: '', digest: sha256('') };

function keyMatches(header: string | undefined, key: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  if (expected.key !== key) expected = { key, digest: sha256(key) };
  return crypto.timingSafeEqual(sha256(header.slice(7)), expected.digest);
}

async function security(app: FastifyInstance, options: SecurityOptions) {
  app.addHook('onRequest', async (request, reply) => {
    const hosts = options.allowedHosts();
    if (hosts && !hosts.has((request.headers.host ?? '').toLowerCase())) {
      return reply
        .status(403)
        .send(errorBody(request, 403, 'Host header not allowed (DNS-rebinding protection)'));
    }
    const origin = request.headers.origin;
    const allowedOrigin = origin !== undefined && options.corsOrigins().includes(origin);
    if (origin && allowedOrigin) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply.header('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
        // Mcp-Protocol-Version: MCP clients send it after initialize; X-Session-Id names a /v1 chat's session.
        reply.header(
          'Access-Control-Allow-Headers',
          'Authorization, Content-Type, Mcp-Protocol-Version, X-Session-Id',
        );
        reply.header('Access-Control-Max-Age', '600');
        return reply.status(204).send();
      }
    }
    if (isPublic(request)) return;
    if (await openedByPublicFlow(request, allowedOrigin, options)) return;
    if (!keyMatches(request.headers.authorization, options.apiKey())) {
      return reply
        .status(401)
        .header('WWW-Authenticate', 'Bearer')
        .send(errorBody(request, 401, 'missing or wrong API key: send Authorization: Bearer <key>'));
    }
    // With the key too: a target the router had to rewrite to route is refused, so that
    // what a client sent, what is logged and what ran are the same path.
    if (request.routeOptions.url !== undefined && !routedPlainly(request)) {
      return reply
        .status(400)
        .send(
          errorBody(
            request,
            400,
            'the request target must be the plain path of a route: no absolute form, no escaped letters, no dot segments or repeated slashes',
          ),
        );
    }
  });
}

export default fp(security, { name: 'mnemo-security' });
