import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../src/main/store';
import { PG_LATEST_SCHEMA_VERSION } from '../../src/main/store/postgres';
import { onPostgres } from '../helpers/pg-database';
import { rawRequest } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ corsOrigins: ['https://allowed.example'] });
});
afterAll(() => server.close());

describe('GET /api/v1/health', () => {
  it('answers without a key, with version and schema version', async () => {
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: string };
    expect(body).toMatchObject({
      status: 'ok',
      schemaVersion: onPostgres() ? PG_LATEST_SCHEMA_VERSION : LATEST_SCHEMA_VERSION,
    });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('the API key', () => {
  it('401 without a key, with the JSON error shape', async () => {
    const res = await fetch(`${server.url}/api/v1/server`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      statusCode: 401,
      success: false,
      message: expect.stringContaining('API key'),
    });
  });

  it('401 with a wrong key', async () => {
    const res = await server.request('/api/v1/server', { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
  });

  it('401 with the right key in the query string instead of the header', async () => {
    const res = await fetch(`${server.url}/api/v1/server?key=${server.key}&apiKey=${server.key}`);
    expect(res.status).toBe(401);
  });

  it('200 with the right key', async () => {
    const res = await server.request('/api/v1/server');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ apiUrl: server.url, dataDir: server.dataDir });
  });

  it('regenerating it makes the old key fail at once', async () => {
    const old = server.key;
    const res = await server.request('/api/v1/settings/api-key', { method: 'POST', json: {} });
    expect(res.status).toBe(200);
    const { apiKey } = (await res.json()) as { apiKey: string };
    expect(apiKey).not.toBe(old);
    expect(apiKey.length).toBeGreaterThanOrEqual(43);
    const withOld = await server.request('/api/v1/server', { headers: { authorization: `Bearer ${old}` } });
    expect(withOld.status).toBe(401);
    const withNew = await server.request('/api/v1/server', {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(withNew.status).toBe(200);
    server.key = apiKey;
  });
});

describe('Host check (DNS rebinding)', () => {
  for (const host of ['evil.example', 'attacker.example:80', '127.0.0.1.nip.io']) {
    it(`403 for Host: ${host}`, async () => {
      const res = await rawRequest({ port: server.port, path: '/api/v1/health', headers: { host } });
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ statusCode: 403, success: false });
    });
  }

  it('403 without a Host header', async () => {
    const res = await rawRequest({ port: server.port, path: '/api/v1/health', omitHost: true });
    expect(res.status).toBe(403);
  });

  for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
    it(`allows Host: ${host}:PORT`, async () => {
      const res = await rawRequest({
        port: server.port,
        path: '/api/v1/health',
        headers: { host: `${host}:${server.port}` },
      });
      expect(res.status).toBe(200);
    });
  }
});

describe('CORS', () => {
  it('grants nothing to an origin that is not allowlisted', async () => {
    const res = await fetch(`${server.url}/api/v1/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('grants an allowlisted origin, preflight included', async () => {
    const res = await fetch(`${server.url}/api/v1/server`, {
      method: 'OPTIONS',
      headers: { origin: 'https://allowed.example', 'access-control-request-method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
  });
});

describe('request bodies', () => {
  const post = (headers: Record<string, string>, body: string | Buffer) =>
    rawRequest({
      port: server.port,
      method: 'POST',
      path: '/api/v1/settings/api-key',
      headers: { authorization: `Bearer ${server.key}`, ...headers },
      body,
    });

  it('415 for text/plain (a simple-form POST)', async () => {
    const res = await post({ 'content-type': 'text/plain' }, '{}');
    expect(res.status).toBe(415);
    expect(res.json()).toEqual({
      statusCode: 415,
      success: false,
      message: 'Content-Type must be application/json',
    });
  });

  it('415 for application/x-www-form-urlencoded', async () => {
    const res = await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'a=b');
    expect(res.status).toBe(415);
  });

  it('413 for a 3 MiB body', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(3 * 1024 * 1024) });
    const res = await post({ 'content-type': 'application/json' }, big);
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, message: expect.stringContaining('2 MiB') });
  });

  it('400 for malformed JSON', async () => {
    const res = await post({ 'content-type': 'application/json' }, '{"a":');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, message: 'request body is not valid JSON' });
  });
});

describe('unknown routes and the OpenAPI document', () => {
  it('404 in the JSON error shape', async () => {
    const res = await server.request('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, success: false });
  });

  it('lists the native routes', async () => {
    const res = await server.request('/api/v1/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/health', '/api/v1/server', '/api/v1/settings/api-key']),
    );
  });
});
