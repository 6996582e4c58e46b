/**
 * An answer sent before the body was read (413 for a body over the limit) reaches a
 * client that is still sending: the server reads the rest and throws it away instead of
 * closing a socket with unread bytes, which the kernel turns into a reset (the client's
 * write then fails with EPIPE and the answer is lost; security-logs.test.ts failed that
 * way under load). The built server runs in a process of its own, as a user runs it, so
 * that it answers while the client is still writing; before the fix most tries lost the
 * answer.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, serveBuilt, startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir();
let serve: ServeProcess;
let key: string;
beforeAll(async () => {
  if (!serveBuilt()) return;
  const dataDir = path.join(tmp.dir, 'data');
  serve = await startServe(dataDir);
  key = fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
});
afterAll(async () => {
  await serve?.kill('SIGTERM');
  tmp.cleanup();
});

const tooLarge = `{"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`;

/** One POST over the given agent; resolves with the status, or with the error code the client saw. */
function post(pathname: string, body: string, agent?: http.Agent) {
  return new Promise<{ outcome: string; socket?: unknown }>((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: serve.port,
        method: 'POST',
        path: pathname,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ outcome: String(res.statusCode), socket: req.socket }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? error.message }));
    req.end(body);
  });
}

describe.skipIf(!serveBuilt())('a body refused before it was read', () => {
  for (const [surface, pathname] of [
    ['Sim', '/api/memory'],
    ['native', '/api/v1/sessions/default/s1/messages'],
  ] as const) {
    it(`${surface}: every client still sending gets its 413, none a broken pipe or a reset`, async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) outcomes.push((await post(pathname, tooLarge)).outcome);
      expect(outcomes).toEqual(Array(20).fill('413'));
    });
  }

  it('the connection then serves the next request (the body was read to its end)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const refused = await post('/api/memory', tooLarge, agent);
    const next = await post(
      '/api/memory',
      '{"conversationId":"after-413","role":"user","content":"hi"}',
      agent,
    );
    agent.destroy();
    expect([refused.outcome, next.outcome]).toEqual(['413', '200']);
    expect(next.socket).toBe(refused.socket);
  });
});
