/**
 * Issue 13, memory under bad load: what a connection may take is bounded. A client that
 * connects and sends nothing, or stops halfway through its head, is cut off; a kept-alive
 * connection left idle is closed; connections past the limit are refused while the ones
 * already open are served; large bodies are read a few at a time, so a crowd of them waits
 * in the kernel instead of in the server's memory, while small requests go straight through.
 * The limits are shortened here (the server's defaults are in CONNECTION_LIMITS).
 */
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnemo } from '../../src/main/core';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir();
let mnemo: Awaited<ReturnType<typeof startMnemo>>;
let port: number;
let key: string;

const LIMITS = { headersMs: 600, keepAliveMs: 400, maxConnections: 30, checkEveryMs: 100 };

beforeAll(async () => {
  mnemo = await startMnemo(
    { host: '127.0.0.1', port: 0, dataDir: path.join(tmp.dir, 'data'), corsOrigins: [] },
    { env: {}, limits: LIMITS },
  );
  port = mnemo.address.port;
  key = mnemo.apiKey();
});
afterAll(async () => {
  await mnemo.close();
  tmp.cleanup();
});

/** A socket, with what it received and a promise of its closing. */
function connect() {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const opened = new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  return { socket, closed, opened, received: () => received };
}

const head = (method: string, target: string, extra: string[] = []) =>
  [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${key}`, ...extra]
    .join('\r\n')
    .concat('\r\n\r\n');

async function health(): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status;
}

describe('what a connection may take', () => {
  it('a connection that sends nothing is answered 408 and closed', async () => {
    const silent = connect();
    await silent.closed;
    expect(silent.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a head that stops halfway is cut off too', async () => {
    const slow = connect();
    await slow.opened;
    slow.socket.write(`GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a kept-alive connection left idle after its answer is closed', async () => {
    const idle = connect();
    await idle.opened;
    idle.socket.write(head('GET', '/api/v1/health'));
    await idle.closed;
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200/);
  });

  it('past the limit new connections are closed at once; those open are served; then room again', async () => {
    // Each holds its place with an event stream, which stays open.
    const held = Array.from({ length: LIMITS.maxConnections }, connect);
    await Promise.all(held.map((c) => c.opened));
    for (const c of held) c.socket.write(head('GET', '/api/v1/events'));
    await Promise.all(
      held.map((c) => new Promise<void>((resolve) => c.socket.once('data', () => resolve()))),
    );
    expect(held.map((c) => c.received().slice(0, 12))).toEqual(Array(held.length).fill('HTTP/1.1 200'));
    const extra = connect();
    extra.socket.write(head('GET', '/api/v1/health'));
    await extra.closed;
    expect(extra.received()).toBe('');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    expect(await health()).toBe(200);
  });
});

describe('large bodies a few at a time', () => {
  const bigBody = (id: string) =>
    JSON.stringify({ conversationId: id, role: 'user', content: 'x'.repeat(1024 * 1024 - 100) });

  it('while every place is taken a large body waits, a small one is served, and the waiting one goes on when a place frees', async () => {
    // Eight clients announce a large body and stall after its first bytes.
    const stalled = Array.from({ length: 8 }, connect);
    await Promise.all(stalled.map((c) => c.opened));
    for (const c of stalled) {
      c.socket.write(
        `${head('POST', '/api/memory', ['Content-Type: application/json', 'Content-Length: 1048576']).slice(0, -2)}\r\n{"conv`,
      );
    }
    // A ninth sends its whole large body.
    const waiting = fetch(`http://127.0.0.1:${port}/api/memory`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: bigBody('waits-its-turn'),
    });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    // A small request goes straight through.
    const small = await fetch(`http://127.0.0.1:${port}/api/memory`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'small', role: 'user', content: 'hi' }),
    });
    expect(small.status).toBe(200);
    expect(settled).toBe(false);
    // One stalled client gives up: its place goes to the waiting body.
    stalled[0]?.socket.destroy();
    expect((await waiting).status).toBe(200);
    for (const c of stalled) c.socket.destroy();
  });
});
