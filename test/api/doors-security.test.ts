/**
 * Issue 19 with SPEC 3: the key and the Host check hold on /mcp and /v1 as on every
 * route; CORS grants only allowlisted origins; and /mcp refuses a request whose Origin is
 * neither its own nor allowlisted (403), as the MCP specification requires of a server,
 * even with the key. Requests are sent raw, with exactly the headers given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

const ALLOWED = 'https://allowed.example';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ corsOrigins: [ALLOWED] });
});
afterAll(() => server.close());

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
// With a session: the one accepted request stores one turn; a refused one would store another.
const CHAT = JSON.stringify({
  model: 'default',
  user: 'door-check',
  messages: [{ role: 'user', content: 'stored once' }],
});

const doors = [
  { method: 'POST', path: '/mcp', body: INITIALIZE, accept: 'application/json, text/event-stream' },
  { method: 'POST', path: '/v1/chat/completions', body: CHAT, accept: 'application/json' },
  { method: 'GET', path: '/v1/models', body: undefined, accept: 'application/json' },
];

function send(door: (typeof doors)[number], headers: Record<string, string>) {
  return rawRequest({
    port: server.port,
    method: door.method,
    path: door.path,
    body: door.body,
    headers: {
      accept: door.accept,
      ...(door.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
  });
}

const host = () => `127.0.0.1:${server.port}`;
const key = () => `Bearer ${server.key}`;
const storedMessages = async () =>
  (await server.mnemo.store.listMessages({ flowId: 'default', sessionId: 'door-check' }, { order: 'ASC' }))
    .length;

describe('the key and the Host check on /mcp and /v1', () => {
  for (const door of doors) {
    it(`${door.method} ${door.path}: answers with the key and the right Host`, async () => {
      const res = await send(door, { host: host(), authorization: key() });
      expect(res.status, res.body).toBe(200);
    });

    it(`${door.method} ${door.path}: 401 without the key or with a wrong one`, async () => {
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${server.key}`, server.key]) {
        const res = await send(door, { host: host(), ...(authorization ? { authorization } : {}) });
        expect(res.status, String(authorization)).toBe(401);
        if (door.path.startsWith('/v1/')) {
          expect(res.json()).toMatchObject({
            error: { type: 'authentication_error', param: null, code: null },
          });
        }
      }
    });

    it(`${door.method} ${door.path}: 403 for a foreign Host, even with the key`, async () => {
      for (const h of ['evil.example', `evil.example:${server.port}`, '127.0.0.1:1', '']) {
        const res = await send(door, { host: h, authorization: key() });
        expect(res.status, h).toBe(403);
      }
    });
  }

  it('only the accepted chat request stored its turn; no refused one did', async () => {
    expect(await storedMessages()).toBe(2);
  });
});

describe('Origin on /mcp (MCP: servers must refuse an invalid Origin)', () => {
  const mcp = doors[0] as (typeof doors)[number];

  it('a foreign Origin is refused with 403 even with the key, and gets no CORS grant', async () => {
    for (const origin of ['https://evil.example', 'null', `http://localhost:${server.port + 1}`]) {
      const res = await send(mcp, { host: host(), authorization: key(), origin });
      expect(res.status, origin).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.json()).toMatchObject({ message: expect.stringContaining('Origin') });
    }
  });

  it('an allowlisted Origin and the server’s own are served; only the allowlisted one gets a grant', async () => {
    const allowed = await send(mcp, { host: host(), authorization: key(), origin: ALLOWED });
    expect(allowed.status, allowed.body).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    const own = await send(mcp, { host: host(), authorization: key(), origin: `http://${host()}` });
    expect(own.status, own.body).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an allowlisted page may send the MCP and session headers (preflight)', async () => {
    for (const path of ['/mcp', '/v1/chat/completions']) {
      const res = await rawRequest({
        port: server.port,
        method: 'OPTIONS',
        path,
        headers: {
          host: host(),
          origin: ALLOWED,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, mcp-protocol-version, x-session-id',
        },
      });
      expect(res.status, path).toBe(204);
      const allowed = String(res.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
      expect(allowed).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'mcp-protocol-version', 'x-session-id']),
      );
    }
  });

  it('a body that is not a JSON-RPC request is a 4xx JSON-RPC error, never a 5xx', async () => {
    const mcp = doors[0] as (typeof doors)[number];
    for (const body of [
      '{}',
      '[]',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call"}',
      '"text"',
      '{"jsonrpc":"1.0"}',
    ]) {
      const res = await send({ ...mcp, body }, { host: host(), authorization: key() });
      expect(res.status, body).toBeLessThan(500);
      // An empty batch holds no request to answer (202, no body); anything else is refused as JSON-RPC.
      if (body !== '[]')
        expect(res.json(), body).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number) } });
    }
    const notJson = await send(
      { ...mcp, body: 'hello' },
      { host: host(), authorization: key(), 'content-type': 'text/plain' },
    );
    expect(notJson.status).toBe(415);
  });

  it('GET and DELETE /mcp are 405 (stateless: no stream to open, no session to end)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await rawRequest({
        port: server.port,
        method,
        path: '/mcp',
        headers: { host: host(), authorization: key(), accept: 'text/event-stream' },
      });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('POST');
    }
  });

  it('a foreign Origin gets no CORS grant on /v1 either', async () => {
    const res = await send(doors[2] as (typeof doors)[number], {
      host: host(),
      authorization: key(),
      origin: 'https://evil.example',
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
