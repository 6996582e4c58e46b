/**
 * Where an operation's input goes over HTTP, from plain data only: the web page builds
 * its requests with this, so its first script needs no zod. The routes themselves come
 * from the contract (`httpRoutes()` in contract.ts).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRoute {
  method: HttpMethod;
  /** Fastify-style path, e.g. /api/v1/sessions/:flowId/:sessionId */
  path: string;
  /** The input keys that travel in the query string. */
  query: readonly string[];
}

/** Path params fill the path, query keys the query string; GET/DELETE send no body. */
export function httpRequest(
  route: HttpRoute,
  input: Record<string, unknown>,
): { method: HttpMethod; url: string; body?: unknown } {
  const rest: Record<string, unknown> = { ...input };
  const url = route.path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = rest[key];
    delete rest[key];
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (route.query.includes(key)) query.set(key, String(value));
    else body[key] = value;
  }
  const qs = query.toString();
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  return { method: route.method, url: qs ? `${url}?${qs}` : url, body: hasBody ? body : undefined };
}
