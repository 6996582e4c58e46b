/**
 * Imports under load: a file far larger than what the server may hold, two at once, and
 * the rest of the API while one runs. The server runs in this process, so its RSS is
 * this process's; the upload is streamed from disk, so the client holds little of it.
 */

import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_BYTES } from '../../src/shared/schemas/transfer';
import { eventually } from '../helpers/eventually';
import { onPostgres } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

const MIB = 1024 * 1024;
v8.setFlagsFromString('--expose-gc');
// What a collection finds dead is freed before it returns, Buffers included: by default V8
// frees their memory on another thread, and until then `external` counts it, so a figure
// read after gc() counted the Buffers that died since the last collection as well (40 dead
// 1 MiB Buffers stayed counted whole, on Node 20 and 24), which is how fast the import ran
// rather than what it held (55 MB once on Node 24, against 24 to 36 in other runs).
v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');
/** A full garbage collection (to tell memory held from garbage not yet collected). */
const gc = vm.runInNewContext('gc') as () => void;
/** Two chats of 1 MiB messages: 100 + 50 messages, about 150 MB; each chat is larger than what an import holds at once. */
const CHATS = [100, 50];

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
let bigFile: string;
let bigBytes: number;

/** About 1 MiB of text in long words (few distinct terms, so the search index stays small), unique by `n`. */
function content(n: number): string {
  const word = 'w'.repeat(999);
  return `${`${word} `.repeat(1_000)}message-${n}`.slice(-(MIB - 64));
}

/** A Flowise View Messages export, pretty-printed as Flowise writes it, written a message at a time. */
async function writeFlowiseFile(file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  await write('[\n');
  let n = 0;
  for (const [chat, count] of CHATS.entries()) {
    await write(`  {\n    "id": "chat-${chat}",\n    "source": "API/Embed",\n    "messages": [\n`);
    for (let i = 0; i < count; i++) {
      const message = {
        content: content(n),
        role: i % 2 === 0 ? 'user' : 'bot',
        time: new Date(1e12 + n).toISOString(),
      };
      n += 1;
      await write(`      ${JSON.stringify(message)}${i < count - 1 ? ',' : ''}\n`);
    }
    await write(`    ]\n  }${chat < CHATS.length - 1 ? ',' : ''}\n`);
  }
  await write(']\n');
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

beforeAll(async () => {
  tmp = tempDir();
  bigFile = path.join(tmp.dir, 'flowise-big.json');
  await writeFlowiseFile(bigFile);
  bigBytes = fs.statSync(bigFile).size;
  server = await startTestServer();
}, 60_000);
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

const uploads = () => fs.readdirSync(server.dataDir).filter((name) => name.endsWith('.upload'));

/** A POST /api/v1/import whose body is written by `send` (node:http: it waits for the socket, unlike a web stream). */
function importRequest(send: (req: http.ClientRequest) => void): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}/api/v1/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.key}` },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    send(req);
  });
}

/** POST /api/v1/import with a body streamed from `file`. */
const importFile = (file: string) => importRequest((req) => fs.createReadStream(file).pipe(req));

/**
 * Health requests one after another, 100 ms apart, from a thread of their own (a client in
 * the server's thread would stall with it and not see the wait), until stopped.
 */
function pingHealth() {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    let running = true;
    parentPort.once('message', () => { running = false; });
    (async () => {
      const latencies = [];
      const failures = [];
      while (running) {
        const sent = performance.now();
        try {
          const res = await fetch(workerData.url);
          if (res.status !== 200) failures.push('status ' + res.status);
          await res.arrayBuffer();
        } catch (error) {
          failures.push(String(error));
        }
        latencies.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      parentPort.postMessage({ latencies, failures });
    })();`,
    { eval: true, workerData: { url: `${server.url}/api/v1/health` } },
  );
  return async () => {
    const answer = once(worker, 'message');
    worker.postMessage('stop');
    const [{ latencies, failures }] = (await answer) as [{ latencies: number[]; failures: string[] }];
    await worker.terminate();
    return { latencies, failures, slowest: Math.max(...latencies) };
  };
}

/** Imports the big file into the server: its answer and how long it took. */
async function importBig(): Promise<{ seconds: number }> {
  const started = performance.now();
  const res = await importFile(bigFile);
  const seconds = (performance.now() - started) / 1000;
  expect(res.status, res.body).toBe(200);
  expect(JSON.parse(res.body)).toEqual({
    format: 'flowise',
    flows: 0,
    sessions: CHATS.length,
    messages: CHATS.reduce((a, b) => a + b),
    skipped: 0,
  });
  return { seconds };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

describe('POST /api/v1/import of a 150 MB file', () => {
  it('holds far less than the file', async () => {
    // What is live (after a full collection: what the import holds), every half second; and
    // RSS as the system sees it (garbage not yet collected included), every 20 ms.
    gc();
    const baseline = process.memoryUsage();
    const live = (usage: NodeJS.MemoryUsage) => usage.heapUsed + usage.external;
    let peakRss = baseline.rss;
    let peakLive = live(baseline);
    const rssSampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const liveSampler = setInterval(() => {
      gc();
      peakLive = Math.max(peakLive, live(process.memoryUsage()));
    }, 500);
    const { seconds } = await importBig();
    clearInterval(rssSampler);
    clearInterval(liveSampler);

    const rssGrowth = peakRss - baseline.rss;
    const liveGrowth = peakLive - live(baseline);
    console.info(
      `import of ${mb(bigBytes)} (collecting garbage every 0.5 s): ${seconds.toFixed(1)} s; ` +
        `live memory growth ${mb(liveGrowth)}, RSS growth ${mb(rssGrowth)}`,
    );
    // Before streaming the server held the body as text, then as objects: more than the file.
    // RSS also counts garbage not yet collected and memory the allocator keeps (about half the
    // file here, whatever its size); the old way took several times the file.
    expect(liveGrowth).toBeLessThan(bigBytes / 3);
    expect(rssGrowth).toBeLessThan(bigBytes);

    // The upload is gone from the data dir, and the messages are all there.
    expect(uploads()).toEqual([]);
    for (const [chat, count] of CHATS.entries()) {
      const res = await server.request(`/api/v1/sessions/default/chat-${chat}?limit=1`);
      expect(((await res.json()) as { messageCount: number }).messageCount).toBe(count);
    }
  }, 60_000);

  // Not on PostgreSQL: what holds the event loop here is the parse and the batching, the
  // same code on both stores (checked by the SQLite run); PostgreSQL's writes wait on its
  // socket instead of running in this thread. A second 150 MB import cost CI 45 s.
  it.skipIf(onPostgres())(
    'leaves the server answering: health every 100 ms, each within a second',
    async () => {
      await server.close();
      server = await startTestServer();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const baselineRss = process.memoryUsage().rss;
      let peakRss = baselineRss;
      const rssSampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 20);
      loop.enable();
      const stopPinging = pingHealth();
      const { seconds } = await importBig();
      const health = await stopPinging();
      loop.disable();
      clearInterval(rssSampler);
      console.info(
        `import of ${mb(bigBytes)}: ${seconds.toFixed(1)} s; RSS growth ${mb(peakRss - baselineRss)}; ` +
          `${health.latencies.length} health requests, slowest ${health.slowest.toFixed(0)} ms; ` +
          `longest event-loop block ${(loop.max / 1e6).toFixed(0)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms)`,
      );
      // A second is what a window's request may wait; a batch's write takes a small part of it.
      // It catches the server holding the event loop for a whole-file parse or write.
      expect(health.failures).toEqual([]);
      expect(health.latencies.length).toBeGreaterThan(5);
      expect(health.slowest).toBeLessThan(1_000);
      expect(loop.max / 1e6).toBeLessThan(1_000);
    },
    60_000,
  );
});

describe('two imports at once', () => {
  it('the second gets 409 while the first is running; the first completes', async () => {
    // The first import's body is sent in two parts: it stays running until the second is sent.
    const first = http.request(`${server.url}/api/v1/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.key}` },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      first.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      first.on('error', reject);
    });
    first.write('[{"conversationId": "c1", "data": [{"role": "user", "content": "first"}');
    first.flushHeaders();
    // Running: its upload is being kept in the data dir, readable by this user only.
    await eventually(() => uploads().length === 1, 5_000);
    const [upload] = uploads();
    if (upload) expect(fs.statSync(path.join(server.dataDir, upload)).mode & 0o777).toBe(0o600);

    const second = await server.request('/api/v1/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[{"conversationId": "c2", "data": [{"role": "user", "content": "second"}]}]',
    });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({
      statusCode: 409,
      message: 'another import is running; retry when it ends',
    });

    first.end(']}]');
    const done = await answer;
    expect(done.status, done.body).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ format: 'sim', messages: 1 });
    expect(uploads()).toEqual([]);

    // Once it has ended, the next import runs.
    const again = await server.request('/api/v1/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[{"conversationId": "c2", "data": [{"role": "user", "content": "second"}]}]',
    });
    expect(again.status).toBe(200);
  }, 30_000);
});

describe('the size limit', () => {
  it(`refuses a body that says it is over ${IMPORT_MAX_BYTES / 1024 ** 3} GiB before reading it (413)`, async () => {
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${server.url}/api/v1/import`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${server.key}`,
          'content-length': String(IMPORT_MAX_BYTES + 1),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('[');
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body).message).toBe(
      'the file is larger than the 4 GiB import limit; nothing was imported',
    );
  });
});
