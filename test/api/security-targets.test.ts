/**
 * SPEC 3 and issue 13: the key check decides on the route the router chose, never on the
 * request line's text. Every route of the server (from its OpenAPI document, so a route
 * added later is covered), and the web UI's files, are asked for over a bare socket in
 * every spelling a router may read as that route: escaped letters, another case, dot
 * segments, repeated slashes, a trailing slash, absolute form. Without the key each
 * answers 401 (403 with a foreign Host); with it, a spelling that is not the route's
 * plain path is refused (400) or finds nothing (404), and never runs the route.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnemo } from '../../src/main/core';
import { discoverRoutes, type RouteSpec } from '../helpers/fuzz-http';
import type { TestServer } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir();
let server: TestServer;
let routes: RouteSpec[];

beforeAll(async () => {
  const webRoot = path.join(tmp.dir, 'renderer');
  fs.mkdirSync(path.join(webRoot, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(webRoot, 'index.html'), '<div id="root"></div>');
  fs.writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'console.log(1)');
  const mnemo = await startMnemo(
    { host: '127.0.0.1', port: 0, dataDir: path.join(tmp.dir, 'data'), corsOrigins: [] },
    { env: {}, webRoot },
  );
  const key = mnemo.apiKey();
  server = {
    mnemo,
    url: mnemo.address.url,
    port: mnemo.address.port,
    key,
    dataDir: path.join(tmp.dir, 'data'),
    request: (p, init = {}) =>
      fetch(mnemo.address.url + p, { ...init, headers: { authorization: `Bearer ${key}` } }),
    close: () => mnemo.close(),
  };
  routes = await discoverRoutes(server);
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

/** Sends bytes as they are and reads the status line; the connection closes after one answer. */
function send(method: string, target: string, headers: Record<string, string>): Promise<number> {
  const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
  const lines = [`${method} ${target} HTTP/1.1`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (hasBody) lines.push('Content-Type: application/json', 'Content-Length: 2');
  const request = `${lines.join('\r\n')}\r\n\r\n${hasBody ? '{}' : ''}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(request));
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`no status line for ${method} ${target}: ${head}`)));
  });
}

const pathOf = (route: RouteSpec) =>
  route.path.replace(/:(\w+)/g, (_, name: string) => (name === 'sessionId' ? 'probe' : 'default'));

/** Every spelling of a plain path that a lenient router or a proxy might take for it. */
function spellings(plain: string, port: number): Record<string, string> {
  const [, first = '', ...rest] = plain.split('/');
  const tail = rest.join('/');
  const escapeLetter = (text: string) =>
    text.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const escapedTail = tail.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return {
    'an escaped letter': `/${escapeLetter(first)}/${tail}`,
    'an escaped letter further on': `/${first}/${escapedTail}`,
    'upper case': plain.toUpperCase(),
    'mixed case': `/${first.charAt(0).toUpperCase()}${first.slice(1)}/${tail}`,
    'a dot segment': `/${first}/./${tail}`,
    'a dot-dot segment': `/${first}/x/../${tail}`,
    'escaped dots': `/${first}/x/%2E%2E/${tail}`,
    'a leading double slash': `//${first}/${tail}`,
    'a double slash inside': `/${first}//${tail}`,
    'a trailing slash': `${plain}/`,
    'escaped slashes': `/${first}%2F${tail.replaceAll('/', '%2F')}`,
    'absolute form': `http://127.0.0.1:${port}${plain}`,
    'absolute form, another host': `http://attacker.example${plain}`,
    'absolute form, escaped': `http://127.0.0.1:${port}/${escapeLetter(first)}/${tail}`,
    'absolute form, https': `https://localhost:${port}${plain}`,
  };
}

describe('the key check follows the route, however the target is spelled', () => {
  it('finds the routes it must cover (the API, Flowise and Sim surfaces)', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'GET /api/v1/settings/api-key',
      'POST /api/v1/settings/api-key',
      'GET /api/v1/export',
      'POST /api/v1/import',
      'GET /api/v1/chatmessage/:flowId',
      'DELETE /api/v1/chatmessage/:flowId',
      'POST /api/v1/prediction/:flowId',
      'POST /api/memory',
      'GET /api/memory/all',
      'DELETE /api/memory',
      'GET /api/v1/events',
    ]) {
      expect(names).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(30);
  });

  it('without the key: 401 for every route in every spelling but the plain path of a public route', async () => {
    const host = { Host: `127.0.0.1:${server.port}` };
    const wrong: string[] = [];
    for (const route of routes) {
      const plain = pathOf(route);
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      for (const method of methods) {
        if (method === 'HEAD' && route.path === '/api/v1/events') continue; // no HEAD route
        const status = await send(method, plain, host);
        if (route.isPublic ? status === 401 : status !== 401)
          wrong.push(`${method} ${plain} (plain): ${status}`);
        for (const [how, target] of Object.entries(spellings(plain, server.port))) {
          const spelled = await send(method, target, host);
          if (spelled !== 401) wrong.push(`${method} ${target} (${how}): ${spelled}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('with a foreign Host: 403 in every spelling, before the key is looked at', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const plain = pathOf(route);
      for (const target of [plain, ...Object.values(spellings(plain, server.port))]) {
        const status = await send(route.method, target, { Host: 'attacker.example' });
        if (status !== 403) wrong.push(`${route.method} ${target}: ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('with the key: a spelling other than the plain path is refused or finds nothing, never runs the route', async () => {
    const headers = { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.key}` };
    const wrong: string[] = [];
    for (const route of routes) {
      const plain = pathOf(route);
      for (const [how, target] of Object.entries(spellings(plain, server.port))) {
        const status = await send(route.method, target, headers);
        if (status !== 400 && status !== 404) wrong.push(`${route.method} ${target} (${how}): ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    // The key itself still works, and was never changed by any of the above.
    expect(await send('GET', '/api/v1/settings/api-key', headers)).toBe(200);
  });

  it("the web UI's files need no key on their plain paths, and nothing under /api does", async () => {
    const host = { Host: `127.0.0.1:${server.port}` };
    expect(await send('GET', '/', host)).toBe(200);
    expect(await send('GET', '/index.html', host)).toBe(200);
    expect(await send('GET', '/assets/app.js', host)).toBe(200);
    expect(await send('GET', '/assets/missing.js', host)).toBe(404);
    for (const target of [
      '/api',
      '/API/v1/sessions',
      '/Api/v1/settings/api-key',
      '/mcp',
      '/MCP/x',
      '/assets/../api/v1/sessions',
      '/assets/%2e%2e/index.html',
    ]) {
      expect({ target, status: await send('GET', target, host) }).toEqual({ target, status: 401 });
    }
  });
});
