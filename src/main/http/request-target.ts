/**
 * What the router made of a request's target, for decisions that must be made on the
 * same thing the router routes: the router decodes percent-escapes and accepts targets
 * in absolute form (`GET http://host/path`), so a check on the raw text and a route
 * chosen from the decoded path can disagree (`/%61pi/...` is routed to `/api/...`).
 */
import type { FastifyRequest } from 'fastify';

/** The path of the request line exactly as sent, or null when the target is not a path (absolute or asterisk form). */
export function rawPath(request: FastifyRequest): string | null {
  const target = request.raw.url ?? '';
  if (!target.startsWith('/')) return null;
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** Paths under these belong to the API in any spelling; a web UI file never lives there. */
const API_PREFIX = /^\/(api|mcp|v1)(\/|$)/i;
/** A segment of a path that needs no normalising: no escapes, not empty, not `.` or `..`. */
const PLAIN_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;

/**
 * Whether the request's path, as sent, spells the route the router chose without any
 * normalising: each literal segment of the route is there byte for byte, a parameter
 * takes exactly one segment, and a wildcard's remainder has no escapes and no empty or
 * dot segments. False for an absolute-form target and for a request no route matched.
 */
export function routedPlainly(request: FastifyRequest): boolean {
  const pattern = request.routeOptions.url;
  const path = rawPath(request);
  if (pattern === undefined || path === null) return false;
  const wanted = pattern.split('/');
  const sent = path.split('/');
  for (let i = 0; i < wanted.length; i++) {
    const part = wanted[i] as string;
    const given = sent[i];
    if (part === '*') {
      const rest = sent.slice(i);
      return rest.join('') === '' || rest.every((s) => PLAIN_SEGMENT.test(s));
    }
    if (given === undefined) return false;
    if (part.startsWith(':')) {
      if (given === '') return false;
    } else if (given !== part) {
      return false;
    }
  }
  return sent.length === wanted.length;
}

/**
 * Whether a route that needs no key may answer this request without one: its path is
 * spelled plainly, and a wildcard (the web UI's files) never covers a path under the
 * API's prefixes, in any case.
 */
export function publicPlainly(request: FastifyRequest): boolean {
  if (!routedPlainly(request)) return false;
  const wildcard = request.routeOptions.url?.endsWith('*') ?? false;
  return !(wildcard && API_PREFIX.test(rawPath(request) ?? ''));
}
