import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnemo } from '../../src/main/core';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson } from '../helpers/sessions';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ corsOrigins: ['https://from-env.example'] });
});
afterAll(() => server.close());

const put = (body: unknown) => server.request('/api/v1/settings', { method: 'PUT', json: body });
const grantFor = async (origin: string) => {
  const res = await fetch(`${server.url}/api/v1/health`, { headers: { origin } });
  return res.headers.get('access-control-allow-origin');
};

describe('/api/v1/settings', () => {
  it('starts with an empty stored allowlist; MNEMO_CORS_ORIGINS is not part of it but is granted', async () => {
    expect((await getJson(server, '/api/v1/settings')).body).toEqual({ corsOrigins: [] });
    expect(await grantFor('https://from-env.example')).toBe('https://from-env.example');
  });

  it('a stored origin gets CORS grants at once, and loses them at once when removed', async () => {
    expect(await grantFor('https://app.example')).toBeNull();
    const res = await put({ corsOrigins: ['https://app.example', 'http://localhost:3000/'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ corsOrigins: ['https://app.example', 'http://localhost:3000'] });
    expect(await grantFor('https://app.example')).toBe('https://app.example');
    expect(await grantFor('http://localhost:3000')).toBe('http://localhost:3000');
    const preflight = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');

    await put({ corsOrigins: [] });
    expect(await grantFor('https://app.example')).toBeNull();
    expect(await grantFor('https://from-env.example')).toBe('https://from-env.example');
  });

  it('normalizes to origins and drops duplicates', async () => {
    const res = await put({
      corsOrigins: ['HTTPS://Case.Example:443/', 'https://case.example', 'http://[::1]:8080'],
    });
    expect(await res.json()).toEqual({ corsOrigins: ['https://case.example', 'http://[::1]:8080'] });
    expect((await getJson(server, '/api/v1/settings')).body).toEqual({
      corsOrigins: ['https://case.example', 'http://[::1]:8080'],
    });
  });

  it('400 naming the field for what is not an http(s) origin, keeping what was stored', async () => {
    await put({ corsOrigins: ['https://kept.example'] });
    const bad: Array<[unknown, string]> = [
      [{ corsOrigins: ['not a url'] }, 'corsOrigins.0'],
      [{ corsOrigins: ['https://ok.example', 'ftp://files.example'] }, 'corsOrigins.1'],
      [{ corsOrigins: ['https://app.example/path'] }, 'corsOrigins.0'],
      [{ corsOrigins: ['https://app.example/?q=1'] }, 'corsOrigins.0'],
      [{ corsOrigins: ['https://user:pw@app.example'] }, 'corsOrigins.0'],
      [{ corsOrigins: 'https://app.example' }, 'corsOrigins'],
      [{ corsOrigins: Array.from({ length: 51 }, (_, i) => `https://o${i}.example`) }, 'corsOrigins'],
      [{}, 'corsOrigins'],
    ];
    for (const [body, field] of bad) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain(field);
    }
    expect((await getJson(server, '/api/v1/settings')).body).toEqual({
      corsOrigins: ['https://kept.example'],
    });
  });

  it('401 without the key', async () => {
    expect((await fetch(`${server.url}/api/v1/settings`)).status).toBe(401);
  });
});

describe('kept across restarts', () => {
  it('a new server on the same data dir grants the stored origins', async () => {
    const first = await startTestServer();
    await first.request('/api/v1/settings', {
      method: 'PUT',
      json: { corsOrigins: ['https://stays.example'] },
    });
    await first.mnemo.close();
    const again = await startMnemo(
      {
        host: '127.0.0.1',
        port: 0,
        dataDir: first.dataDir,
        corsOrigins: [],
        ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}),
      },
      { env: {} },
    );
    try {
      const res = await fetch(`${again.address.url}/api/v1/health`, {
        headers: { origin: 'https://stays.example' },
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('https://stays.example');
    } finally {
      await again.close();
      await first.close();
    }
  });
});
