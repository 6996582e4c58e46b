/**
 * SPEC 3 and 7: the key and the Host check on every route, not only on the one
 * http-rules.test.ts probes. Routes come from the server's OpenAPI document, so a route
 * added later is covered without editing this test. A refused write leaves no trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRoutes, type RouteSpec, sendRaw } from '../helpers/fuzz-http';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let routes: RouteSpec[];
beforeAll(async () => {
  server = await startTestServer();
  routes = await discoverRoutes(server);
});
afterAll(() => server.close());

/** A concrete path for a route: ids that exist, so a 401/403 is not a 404 in disguise. */
const pathOf = (route: RouteSpec) =>
  route.path.replace(/:(\w+)/g, (_, name: string) => (name === 'sessionId' ? 'probe-session' : 'default'));

/** A body each writing route would accept (the refusal must come from the key or the Host). */
const BODIES: Record<string, unknown> = {
  'POST /api/memory': { conversationId: 'probe-session', role: 'user', content: 'must not be stored' },
  'POST /api/v1/prediction/:flowId': {
    question: 'must not be stored',
    overrideConfig: { sessionId: 'probe-session' },
  },
  'POST /api/v1/sessions/:flowId/:sessionId/messages': { content: 'must not be stored' },
};

async function messageCount(): Promise<number> {
  const res = await server.request('/api/v1/stats/default');
  return ((await res.json()) as { totalMessages: number }).totalMessages;
}

function send(route: RouteSpec, headers: Record<string, string>, query = '') {
  const body = BODIES[`${route.method} ${route.path}`] ?? (route.body ? {} : undefined);
  return sendRaw({
    port: server.port,
    method: route.method,
    path: pathOf(route) + query,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('the API key on every route (SPEC 3)', () => {
  it('needs no key on exactly health and chatflows-streaming (what the spec names)', () => {
    const open = routes.filter((r) => r.isPublic).map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual(['GET /api/v1/chatflows-streaming/:flowId', 'GET /api/v1/health']);
  });

  const refusals: Array<[string, Record<string, string>, string]> = [
    ['no key', {}, ''],
    ['a wrong key', { authorization: 'Bearer not-the-key' }, ''],
    ['an empty bearer', { authorization: 'Bearer ' }, ''],
    ['the key in the query string', {}, '?key=KEY&apiKey=KEY&api_key=KEY&access_token=KEY&token=KEY'],
    ['the key as Basic credentials', { authorization: 'Basic KEY64' }, ''],
    ['the key without the Bearer scheme', { authorization: 'KEY' }, ''],
    ['the key in another header', { 'x-api-key': 'KEY', 'api-key': 'KEY' }, ''],
    ['the key with a suffix', { authorization: 'Bearer KEYx' }, ''],
  ];

  for (const [label, headers, query] of refusals) {
    it(`401 with ${label}, on every route that needs the key, and nothing is written`, async () => {
      const key = server.mnemo.apiKey();
      const fill = (s: string) =>
        s.replaceAll('KEY64', Buffer.from(`user:${key}`).toString('base64')).replaceAll('KEY', key);
      const filled = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, fill(v)]));
      const before = await messageCount();
      const guarded = routes.filter((r) => !r.isPublic);
      expect(guarded.length).toBeGreaterThanOrEqual(30);
      for (const route of guarded) {
        const res = await send(route, filled, fill(query));
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
        expect(res.body).toMatch(/API key/);
      }
      expect(await messageCount()).toBe(before);
      // Nothing in the refusals changed the key (regenerate was among the routes).
      expect(server.mnemo.apiKey()).toBe(key);
    });
  }
});

describe('the Host check on every route (DNS rebinding, SPEC 3)', () => {
  const hosts: Array<[string, string | undefined]> = [
    ['attacker.example', 'attacker.example'],
    ['attacker.example with the port', 'attacker.example:PORT'],
    ['127.0.0.1.nip.io', '127.0.0.1.nip.io:PORT'],
    ['localhost.attacker.example', 'localhost.attacker.example:PORT'],
    ['the right host on another port', '127.0.0.1:1'],
    ['the right host without the port', '127.0.0.1'],
    ['no Host header', undefined],
  ];

  for (const [label, host] of hosts) {
    it(`403 for ${label}, even with the right key, on every route, and nothing is written`, async () => {
      const before = await messageCount();
      for (const route of routes) {
        const key = server.mnemo.apiKey();
        const res = await sendRaw({
          port: server.port,
          method: route.method,
          path: pathOf(route),
          headers: {
            authorization: `Bearer ${key}`,
            host: host?.replace('PORT', String(server.port)) ?? '',
            ...(route.body ? { 'content-type': 'application/json' } : {}),
          },
          body: route.body ? JSON.stringify(BODIES[`${route.method} ${route.path}`] ?? {}) : undefined,
          omitHost: host === undefined,
        });
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 403,
        });
      }
      expect(await messageCount()).toBe(before);
    });
  }

  it('the same requests with a loopback Host and the key are answered (the probes above are not vacuous)', async () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST']) {
      const res = await sendRaw({
        port: server.port,
        method: 'GET',
        path: '/api/v1/sessions',
        headers: { authorization: `Bearer ${server.mnemo.apiKey()}`, host: `${host}:${server.port}` },
      });
      expect(res.status).toBe(200);
    }
    const add = await send(routes.find((r) => r.method === 'POST' && r.path === '/api/memory') as RouteSpec, {
      authorization: `Bearer ${server.mnemo.apiKey()}`,
    });
    expect(add.status).toBe(200);
  });
});
