/**
 * A path that a route serves, asked with a method none of its routes takes, is answered
 * 405 with `Allow` (RFC 9110 15.5.6), not 404: the routes are read as they are added, so
 * a route added later is covered too.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

const escapeLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A route path as a regular expression over a request path: `:name` one segment. */
function patternOf(url: string): RegExp {
  const parts = url.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : escapeLiteral(part)));
  return new RegExp(`^${parts.join('/')}$`);
}

export function methodsByPath(app: FastifyInstance) {
  const routes = new Map<string, KnownRoute>();
  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url;
    // The web page's files (a wildcard) answer GET for any path: not a reason to say 405.
    if (!url || url.includes('*')) return;
    let known = routes.get(url);
    if (!known) {
      known = { pattern: patternOf(url), methods: new Set() };
      routes.set(url, known);
    }
    for (const method of [route.method].flat()) known.methods.add(String(method));
  });

  /** The methods the path is served with (sorted), or none when no route serves it. */
  return (request: FastifyRequest): string[] => {
    // As the router reads it: a trailing slash makes another path (404 there, not 405).
    let path = request.url.split('?')[0] ?? '';
    try {
      path = decodeURI(path);
    } catch {
      return [];
    }
    const methods = new Set<string>();
    for (const known of routes.values()) {
      if (known.pattern.test(path)) for (const m of known.methods) methods.add(m);
    }
    return [...methods].sort();
  };
}
