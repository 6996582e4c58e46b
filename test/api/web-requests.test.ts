/**
 * The web page builds its requests from plain routes taken from the contract at build
 * time (no zod in its first script): those requests must reach the server's routes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpRoutes, type OperationName } from '../../src/shared/contract';
import { httpRequest } from '../../src/shared/http-request';
import { startTestServer, type TestServer } from '../helpers/server';
import { putConversation } from '../helpers/sessions';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const routes = httpRoutes();

/** What the page's http transport sends for `name` with `input`. */
async function call(name: OperationName, input: Record<string, unknown>) {
  const request = httpRequest(routes[name], input);
  const res = await server.request(request.url, {
    method: request.method,
    json: request.body,
  });
  return { request, status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('requests built from httpRoutes()', () => {
  it('GET: filters go in the query string, undefined ones are left out, and there is no body', async () => {
    await putConversation(server, 'f1', 'a', [
      { content: 'apples and pears', at: '2026-01-01T00:00:00.000Z' },
    ]);
    await putConversation(server, 'f2', 'b', [{ content: 'apples', at: '2026-01-01T00:00:00.000Z' }]);
    const { request, status, body } = await call('listSessions', {
      flowId: 'f1',
      cursor: undefined,
      limit: 5,
    });
    expect(request).toEqual({ method: 'GET', url: '/api/v1/sessions?flowId=f1&limit=5', body: undefined });
    expect(status).toBe(200);
    expect((body.items as { sessionId: string }[]).map((s) => s.sessionId)).toEqual(['a']);
  });

  it('path params are encoded into the path (a session id with a slash and a space) and leave the body', async () => {
    await putConversation(server, 'default', 'a/b c', [{ content: 'hello', at: '2026-01-01T00:00:00.000Z' }]);
    const renamed = await call('renameSession', { flowId: 'default', sessionId: 'a/b c', title: 'Renamed' });
    expect(renamed.request.url).toBe('/api/v1/sessions/default/a%2Fb%20c');
    expect(renamed.request.body).toEqual({ title: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.title).toBe('Renamed');

    const gone = await call('deleteSession', { flowId: 'default', sessionId: 'a/b c', hard: true });
    expect(gone.request).toEqual({
      method: 'DELETE',
      url: '/api/v1/sessions/default/a%2Fb%20c?hard=true',
      body: undefined,
    });
    expect(gone.status).toBe(200);
    const trash = (await (await server.request('/api/v1/trash')).json()) as { items: unknown[] };
    expect(trash.items).toEqual([]); // hard: not in the trash
  });

  it('every route answers something other than "no route" for its method and path', async () => {
    for (const [name, route] of Object.entries(routes)) {
      const path = route.path.replace(/:([A-Za-z]+)/g, 'x');
      const res = await server.request(path, { method: route.method });
      const body = (await res.json()) as { message?: string };
      expect(`${name} ${res.status} ${body.message ?? ''}`).not.toMatch(/no route/);
    }
  });
});
