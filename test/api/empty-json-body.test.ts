/**
 * A DELETE that says Content-Type: application/json but sends no body (Sim's delete tool
 * does) is read as body-less on every route; a POST's empty JSON body is still refused,
 * and a DELETE's non-empty body is parsed as before.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendRaw } from '../helpers/fuzz-http';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const json = { 'Content-Type': 'application/json' };

it('DELETE with a JSON content type and no body is answered, on a Flowise route too', async () => {
  const flowise = await server.request('/api/v1/chatmessage/default?sessionId=nobody', {
    method: 'DELETE',
    headers: json,
  });
  expect(flowise.status).toBe(200);
  expect(await flowise.json()).toEqual({ raw: [], affected: 0 });
  const sim = await server.request('/api/memory?conversationId=nobody', { method: 'DELETE', headers: json });
  expect(sim.status).toBe(200);
});

it('a POST with an empty JSON body is still a 400 that says so', async () => {
  const res = await server.request('/api/memory', { method: 'POST', headers: json, body: '' });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ success: false, error: 'request body is empty; send a JSON object' });
});

it('a DELETE with a malformed or poisoned JSON body is refused as before', async () => {
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
  const send = (body: string) =>
    sendRaw({ port: server.port, method: 'DELETE', path: '/api/memory?conversationId=x', headers, body });
  expect((await send('{"a":')).status).toBe(400);
  expect((await send('{"__proto__":{"polluted":true}}')).status).toBe(400);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
