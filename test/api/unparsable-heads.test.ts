/**
 * A request head over Node's 16 KiB limit is answered 431 before any route is known. A
 * head that large arrives in several reads, and Node hands the error only the read it
 * failed in, which need not hold the request line: the answer must then be one both Sim
 * clients ({success, error}) and Flowise clients ({statusCode, success, message}) read
 * (the fuzz test met it once under load: a Sim route answered in the Flowise shape).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Sends `first`, waits, then `rest`, and reads the whole answer. */
function sendInTwo(first: string, rest: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(first);
      setTimeout(() => socket.write(rest), 100);
    });
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

const bodyOf = (answer: string) =>
  JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe('a request head too large for Node', () => {
  for (const path of ['/api/memory', '/api/v1/sessions']) {
    it(`${path}: 431 with a body either kind of client reads, when the head came in two reads`, async () => {
      const answer = await sendInTwo(
        `GET ${path}?q=${'a'.repeat(12_000)} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`,
        `X-Pad: ${'p'.repeat(8_000)}\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 431/);
      const body = bodyOf(answer);
      expect(body.success).toBe(false);
      expect(body.error).toEqual(expect.any(String));
      expect(body.message).toEqual(expect.any(String));
      expect(body.statusCode).toBe(431);
    });
  }

  it('in one read the request line decides the shape, as before', async () => {
    const sim = await sendInTwo(
      `GET /api/memory?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`,
      '',
    );
    expect(bodyOf(sim)).toEqual({ success: false, error: expect.any(String) });
  });
});
