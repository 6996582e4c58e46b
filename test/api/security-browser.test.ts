/**
 * SPEC 3: what a web page in the person's browser can do to the local API. It gets no
 * CORS grant (so it cannot read answers), and the requests it can send without a
 * preflight, simple-form POSTs, are refused before any handler runs: nothing is written.
 * (http-rules.test.ts covers the allowlisted origin's grant and one 415.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRoutes, type FuzzResponse, type RouteSpec, sendRaw } from '../helpers/fuzz-http';
import { startTestServer, type TestServer } from '../helpers/server';

const ALLOWED = 'https://allowed.example';
let server: TestServer;
let routes: RouteSpec[];
beforeAll(async () => {
  server = await startTestServer({ corsOrigins: [ALLOWED] });
  routes = await discoverRoutes(server);
});
afterAll(() => server.close());

const pathOf = (route: RouteSpec) =>
  route.path.replace(/:(\w+)/g, (_, name: string) => (name === 'sessionId' ? 'form-session' : 'default'));

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
];

function grants(res: FuzzResponse) {
  return CORS_HEADERS.filter((h) => res.headers[h] !== undefined);
}

/** What a page can observe of the state: messages, the key, flows and settings. */
async function snapshot() {
  const get = async (path: string) => (await server.request(path)).json();
  return {
    stats: await get('/api/v1/stats/default'),
    key: server.mnemo.apiKey(),
    flows: await get('/api/v1/flows'),
    settings: await get('/api/v1/settings'),
    trash: await get('/api/v1/trash'),
  };
}

describe('CORS: a foreign page gets no grant', () => {
  const origins = [
    'https://evil.example',
    'null',
    'http://127.0.0.1:1',
    'https://allowed.example.evil.example',
    'http://allowed.example',
    'https://allowed.example:8443',
  ];

  for (const origin of origins) {
    it(`no Access-Control-* header for Origin ${origin}, on any route, preflight or not`, async () => {
      for (const route of routes) {
        for (const method of [route.method, 'OPTIONS']) {
          const res = await sendRaw({
            port: server.port,
            method,
            path: pathOf(route),
            headers: {
              origin,
              authorization: `Bearer ${server.mnemo.apiKey()}`,
              'access-control-request-method': route.method,
              'access-control-request-headers': 'authorization, content-type',
            },
          });
          expect({ route: `${method} ${route.path}`, grants: grants(res) }).toEqual({
            route: `${method} ${route.path}`,
            grants: [],
          });
          expect(res.headers['set-cookie']).toBeUndefined();
        }
      }
    });
  }

  it('the allowlisted origin does get its grant (the probe can see one)', async () => {
    const res = await sendRaw({
      port: server.port,
      method: 'OPTIONS',
      path: '/api/v1/sessions',
      headers: { origin: ALLOWED, 'access-control-request-method': 'GET' },
    });
    expect(grants(res)).toContain('access-control-allow-origin');
  });
});

describe('simple-form POSTs never reach a handler', () => {
  const payload = JSON.stringify({
    conversationId: 'form-session',
    role: 'user',
    content: 'stored by a form',
    question: 'stored by a form',
    name: 'Form flow',
    id: 'form-flow',
    corsOrigins: ['https://evil.example'],
    ids: [1],
    filter: {},
    expectedCount: 0,
    title: 'renamed by a form',
  });
  const forms: Array<[string, string | undefined, string]> = [
    ['text/plain', 'text/plain', payload],
    ['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8', payload],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', `${payload}=`],
    [
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${payload}\r\n--x--\r\n`,
    ],
    ['no Content-Type at all', undefined, payload],
  ];

  for (const [label, contentType, body] of forms) {
    for (const withKey of [false, true]) {
      it(`${label}, ${withKey ? 'with' : 'without'} the key: refused on every writing route, nothing changes`, async () => {
        const before = await snapshot();
        const writing = routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
        expect(writing.length).toBeGreaterThanOrEqual(10);
        for (const route of writing) {
          const headers: Record<string, string> = { origin: 'https://evil.example' };
          if (contentType) headers['content-type'] = contentType;
          if (withKey) headers.authorization = `Bearer ${server.mnemo.apiKey()}`;
          const res = await sendRaw({
            port: server.port,
            method: route.method,
            path: pathOf(route),
            headers,
            body,
          });
          // Without the key the 401 comes first; with it, the body's type is refused (415).
          expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
            route: `${route.method} ${route.path}`,
            status: withKey ? 415 : 401,
          });
        }
        expect(await snapshot()).toEqual(before);
      });
    }
  }
});
