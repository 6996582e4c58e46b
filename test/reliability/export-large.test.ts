/**
 * Every byte the API accepted can be exported and read back: 600 messages of 1 MiB (600
 * MiB, past V8's limit on one string) go out through GET /api/v1/export to a file, in
 * through POST /api/v1/import into a fresh data dir, and come out the same (counts and a
 * hash of every message's content). The Sim list and a filtered Sim get answer them too.
 * In the soak suite: about 150 s on the 2-core machine.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

const MIB = 1024 * 1024;
const CONVERSATIONS = 60;
const PER_CONVERSATION = 10;

/** About 1 MiB, one word repeated (few distinct tokens for the full-text index), numbered. */
const big = (n: number) => `${'mnemo '.repeat(MIB / 6 - 2)}n${String(n).padStart(6, '0')}`;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const tmp = tempDir('mnemo-export-large-');
const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
  tmp.cleanup();
});

async function download(server: TestServer, route: string, file: string): Promise<void> {
  const res = await server.request(route);
  expect(res.status).toBe(200);
  await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(file));
}

/** The hashes of every message's content in a Mnemo JSON export, read line by line (one session a line). */
async function exportedHashes(file: string): Promise<string[]> {
  const hashes: string[] = [];
  const lines = readline.createInterface({
    input: fs.createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (!line.includes('"messages":[')) continue;
    const session = JSON.parse(line.replace(/,$/, '')) as { messages: Array<{ content: string }> };
    for (const m of session.messages) hashes.push(sha(m.content));
  }
  return hashes.sort();
}

it('600 messages of 1 MiB: export to a file, import into a fresh data dir, the same contents', async () => {
  const source = await startTestServer();
  servers.push(source);
  const expected: string[] = [];
  // The Sim add for one conversation (the API's own path; it creates the block).
  for (let i = 0; i < PER_CONVERSATION; i++) {
    const content = big((CONVERSATIONS - 1) * PER_CONVERSATION + i);
    expected.push(sha(content));
    const res = await source.request('/api/memory', {
      method: 'POST',
      json: { conversationId: `c${CONVERSATIONS - 1}`, blockId: 'big', role: 'user', content },
    });
    expect(res.status).toBe(200);
  }
  // The bulk path for the rest (fast); the flow exists by now.
  for (let c = 0; c < CONVERSATIONS - 1; c++) {
    const messages = Array.from({ length: PER_CONVERSATION }, (_, i) => {
      const content = big(c * PER_CONVERSATION + i);
      expected.push(sha(content));
      return { role: 'user' as const, content, chatType: 'EXTERNAL' as const };
    });
    await source.mnemo.store.bulkInsert([{ flowId: 'big', sessionId: `c${c}`, messages }]);
  }
  expected.sort();

  // A filtered Sim get of all 600 MiB answers whole (the tail says how many memories).
  const simFile = path.join(tmp.dir, 'sim.json');
  await download(source, '/api/memory?blockId=big', simFile);
  const tail = Buffer.alloc(200);
  const fd = fs.openSync(simFile, 'r');
  const size = fs.fstatSync(fd).size;
  fs.readSync(fd, tail, 0, 200, size - 200);
  fs.closeSync(fd);
  expect(size).toBeGreaterThan(600 * MIB);
  expect(tail.toString()).toMatch(new RegExp(`\\],"message":"Found ${CONVERSATIONS} memories"\\}$`));
  fs.rmSync(simFile);

  const exportFile = path.join(tmp.dir, 'export.json');
  await download(source, '/api/v1/export', exportFile);
  expect(await exportedHashes(exportFile)).toEqual(expected);

  const target = await startTestServer();
  servers.push(target);
  const imported = await target.request('/api/v1/import', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Readable.toWeb(fs.createReadStream(exportFile)) as never,
    duplex: 'half',
  } as RequestInit);
  expect(imported.status, await imported.clone().text()).toBe(200);
  expect(await imported.json()).toMatchObject({
    sessions: CONVERSATIONS,
    messages: CONVERSATIONS * PER_CONVERSATION,
    skipped: 0,
  });
  fs.rmSync(exportFile);

  const again = path.join(tmp.dir, 'again.json');
  await download(target, '/api/v1/export', again);
  expect(await exportedHashes(again)).toEqual(expected);
}, 600_000);
