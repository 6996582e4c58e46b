/**
 * What the fuzz and security tests share: the routes as the server's own OpenAPI
 * document lists them (so a route added later is fuzzed without editing the tests),
 * percent-encoding that can also carry lone surrogates and broken escapes, and a raw
 * request that sends a path byte for byte and does not wait for an endless stream.
 */
import http from 'node:http';
import type { TestServer } from './server';

export interface RouteSpec {
  method: string;
  /** Fastify-style, e.g. /api/v1/sessions/:flowId/:sessionId */
  path: string;
  params: string[];
  query: string[];
  /** Body property names; undefined when the route takes no body. */
  body: string[] | undefined;
  /** Needs no key (`security: []`). */
  isPublic: boolean;
}

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
  security?: unknown[];
}

/** Every route of the running server, from GET /api/v1/openapi.json (plus that document itself). */
export async function discoverRoutes(server: TestServer): Promise<RouteSpec[]> {
  const res = await server.request('/api/v1/openapi.json');
  const doc = (await res.json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
  const routes: RouteSpec[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const parameters = op.parameters ?? [];
      const hasBody = ['post', 'put', 'patch'].includes(method);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      routes.push({
        method: method.toUpperCase(),
        path: template.replace(/\{(\w+)\}/g, ':$1'),
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        body: hasBody ? Object.keys(schema?.properties ?? {}) : undefined,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  routes.push({
    method: 'GET',
    path: '/api/v1/openapi.json',
    params: [],
    query: [],
    body: undefined,
    isPublic: false,
  });
  return routes;
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) becomes the
 * percent-escaped bytes of its WTF-8 form, as a sloppy client would send it, and that
 * dots are escaped too, so an id "." or ".." stays a path segment of its own.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '.') {
      out += '%2E';
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

/** Only what an HTTP request line cannot hold is escaped: '/', '..', '%' and the rest go as they are. */
export function rawPathEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += code <= 0x20 || code >= 0x7f || ch === '?' || ch === '#' ? percentEncode(ch) : ch;
  }
  return out;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Sends a request exactly as given (path bytes, headers, body) and reads the answer; an
 * event stream that does not end on its own (GET /api/v1/events) is cut after its head.
 */
export function sendRaw(options: {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** Send no Host header at all. */
  omitHost?: boolean;
}): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${options.port}`, ...options.headers };
    if (options.omitHost) delete headers.host;
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method,
        path: options.path,
        headers,
        setHost: false,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        const chunks: Buffer[] = [];
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        if (contentType.startsWith('text/event-stream') && options.path.startsWith('/api/v1/events')) {
          res.once('data', (chunk: Buffer) => {
            chunks.push(chunk);
            req.destroy();
            done();
          });
          return;
        }
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', done);
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 15_000, () => {
      req.destroy(
        new Error(`no answer within ${options.timeoutMs ?? 15_000} ms: ${options.method} ${options.path}`),
      );
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/**
 * What every error answer must be (SPEC 3): JSON saying what is wrong, in the Sim shape
 * on /api/memory, OpenAI's on /v1 and the Flowise shape elsewhere. Returns a reason when it is not.
 */
export function errorShapeProblem(path: string, response: FuzzResponse): string | undefined {
  if (response.status < 400) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return `error ${response.status} without a JSON body: ${response.body.slice(0, 200)}`;
  }
  const b = body as Record<string, unknown>;
  if (path.startsWith('/api/memory')) {
    return b.success === false && typeof b.error === 'string' && b.error.length > 0
      ? undefined
      : `Sim error not {success:false, error}: ${response.body.slice(0, 200)}`;
  }
  if (path.startsWith('/v1/')) {
    const e = b.error as Record<string, unknown> | undefined;
    return typeof e?.message === 'string' &&
      e.message &&
      typeof e.type === 'string' &&
      'param' in e &&
      'code' in e
      ? undefined
      : `OpenAI error not {error:{message, type, param, code}}: ${response.body.slice(0, 200)}`;
  }
  return b.success === false && b.statusCode === response.status && typeof b.message === 'string' && b.message
    ? undefined
    : `error not {statusCode, success:false, message}: ${response.body.slice(0, 200)}`;
}

/** A counterexample with long strings cut, so a failure prints readably. */
export function shorten(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length > 120 ? `${value.slice(0, 60)}…<${value.length} chars>` : value;
  }
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [shorten(k) as string, shorten(v)]));
  }
  return value;
}
