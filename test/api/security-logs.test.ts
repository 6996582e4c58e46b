/**
 * SPEC 7: the key is never logged. The built server runs at the most talkative log
 * levels; requests that succeed, fail, carry the key where it does not belong (query
 * string, path, body) or cannot even be parsed (Node then hands the raw request bytes,
 * Authorization header included, to the error it reports). Its output is searched for
 * every key it had, as text and inside serialized byte buffers. The one line SPEC 2
 * asks for, the web UI address with `#key=`, is the only exception.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/main/store';
import { sendRaw } from '../helpers/fuzz-http';
import { type ServeProcess, serveBuilt, startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/tmp';

const running: ServeProcess[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const serve of running.splice(0)) await serve.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Every text in a log line, with Node's serialized Buffers ({type:'Buffer', data:[...]}) decoded. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'Buffer' && Array.isArray(o.data))
      return [Buffer.from(o.data as number[]).toString('latin1')];
    return Object.entries(o).flatMap(([k, v]) => [k, ...textsOf(v)]);
  }
  return [];
}

/** Lines of output holding a secret (plain, or inside a JSON log line's decoded buffers). */
function linesHolding(output: string, secret: string): string[] {
  return output.split('\n').filter((line) => {
    if (line.includes(secret)) return true;
    try {
      return textsOf(JSON.parse(line)).some((t) => t.includes(secret));
    } catch {
      return false;
    }
  });
}

/** A request Node's HTTP parser rejects, sent over a bare socket. */
function sendBytes(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

async function exercise(serve: ServeProcess, key: string): Promise<string> {
  const port = serve.port;
  const auth = { authorization: `Bearer ${key}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const send = (method: string, p: string, headers: Record<string, string> = auth, body?: string) =>
    sendRaw({ port, method, path: p, headers, body });
  // Working requests on every surface.
  expect((await send('GET', '/api/v1/sessions')).status).toBe(200);
  expect(
    (await send('POST', '/api/memory', json, '{"conversationId":"c","role":"user","content":"hi"}')).status,
  ).toBe(200);
  expect((await send('POST', '/api/v1/prediction/default', json, '{"question":"hello"}')).status).toBe(200);
  // The key where it does not belong.
  expect((await send('GET', `/api/v1/sessions?key=${key}&apiKey=${key}`, {})).status).toBe(401);
  expect((await send('GET', `/api/v1/nope?key=${key}`)).status).toBe(404);
  expect((await send('GET', `/api/v1/sessions/default/${key}`)).status).toBe(404);
  expect((await send('GET', `/api/v1/sessions/%FF?key=${key}`)).status).toBe(400);
  expect(
    (await send('POST', '/api/memory', json, `{"conversationId":"c","role":"${key}","content":"x"}`)).status,
  ).toBe(400);
  expect((await send('POST', '/api/memory', json, `{"conversationId":"${key}`)).status).toBe(400);
  expect((await send('POST', '/api/memory', { ...auth, 'content-type': 'text/plain' }, key)).status).toBe(
    415,
  );
  // Failures of every kind, each carrying the key in its Authorization header.
  expect((await send('GET', '/api/v1/sessions', { authorization: `Bearer ${key}x` })).status).toBe(401);
  expect((await send('GET', '/api/v1/sessions', { ...auth, host: 'attacker.example' })).status).toBe(403);
  expect((await send('GET', '/api/v1/sessions?limit=abc')).status).toBe(400);
  expect((await send('POST', '/api/memory', json, `{"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`)).status).toBe(
    413,
  );
  expect(
    (
      await send(
        'POST',
        '/api/memory',
        json,
        `{"conversationId":"d","role":"user","content":"x","e":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      )
    ).status,
  ).toBe(400);
  expect((await send('GET', '/api/v1/sessions', { ...auth, 'x-pad': 'p'.repeat(20_000) })).status).toBe(431);
  const broken = await sendBytes(
    port,
    `GET /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${key}\r\nBroken header line\r\n\r\n`,
  );
  expect(broken).toMatch(/^HTTP\/1\.1 400/);
  // A new key: it must stay out of the log too.
  const regenerated = await send('POST', '/api/v1/settings/api-key', json, '{}');
  expect(regenerated.status).toBe(200);
  const newKey = (JSON.parse(regenerated.body) as { apiKey: string }).apiKey;
  expect((await send('GET', '/api/v1/settings/api-key', { authorization: `Bearer ${newKey}` })).status).toBe(
    200,
  );
  expect((await send('GET', '/api/v1/sessions', { authorization: `Bearer ${key}` })).status).toBe(401);
  return newKey;
}

describe.skipIf(!serveBuilt())('the key never appears in logs', () => {
  for (const level of ['trace', 'debug']) {
    it(`at MNEMO_LOG_LEVEL=${level}: not in any line but the web UI address, not in the database`, async () => {
      const tmp = tempDir();
      cleanups.push(tmp.cleanup);
      const dataDir = path.join(tmp.dir, 'data');
      const serve = await startServe(dataDir, { MNEMO_LOG_LEVEL: level });
      running.push(serve);
      const key = fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
      const newKey = await exercise(serve, key);
      expect(await serve.kill('SIGTERM')).toEqual({ code: 0, signal: null });

      const output = serve.output();
      // The logger did speak at this level (so a leak would have been visible).
      expect(output.split('\n').filter((l) => l.startsWith('{"level"')).length).toBeGreaterThan(0);
      const webUiLine = /^Mnemo web UI: http:\/\/127\.0\.0\.1:\d+\/#key=/;
      expect(linesHolding(output, key).filter((l) => !webUiLine.test(l))).toEqual([]);
      expect(linesHolding(output, newKey)).toEqual([]);
      expect(linesHolding(output, key)).toHaveLength(1);

      for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
        const p = path.join(dataDir, file);
        if (!fs.existsSync(p)) continue;
        const bytes = fs.readFileSync(p).toString('latin1');
        expect({ file, key: bytes.includes(key), newKey: bytes.includes(newKey) }).toEqual({
          file,
          key: false,
          newKey: false,
        });
      }
    });
  }

  it('the search also sees keys inside serialized buffers (the check can fail)', () => {
    const line = JSON.stringify({ err: { rawPacket: Buffer.from('Authorization: Bearer s3cret') } });
    expect(linesHolding(line, 's3cret')).toEqual([line]);
  });
});
