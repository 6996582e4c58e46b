import { afterEach, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../src/shared/schemas/transfer';
import { rawRows } from '../helpers/raw-store';
import { seedStore } from '../helpers/seed';
import { startTestServer, type TestServer } from '../helpers/server';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
const start = async () => {
  const server = await startTestServer();
  servers.push(server);
  return server;
};

const DAY = 86_400_000;
const END = Date.parse('2026-03-01T12:00:00.000Z');

async function exportText(server: TestServer, query = 'format=json'): Promise<string> {
  const res = await server.request(`/api/v1/export?${query}`);
  expect(res.status).toBe(200);
  return res.text();
}

async function importText(server: TestServer, text: string, query = ''): Promise<ImportResult> {
  const res = await server.request(`/api/v1/import${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body as ImportResult;
}

/** The export with its one moving part (the time it was made) fixed. */
const stable = (text: string) => text.replace(/"exportedAt":"[^"]+"/, '"exportedAt":"<now>"');

/** Every row an export carries, read straight from a database: flows, live conversations, their messages. */
async function rows(server: TestServer) {
  return {
    flows: await rawRows(
      server,
      'SELECT id, name, responder, retention_days, created_at, updated_at FROM flows ORDER BY id',
    ),
    conversations: await rawRows(
      server,
      `SELECT flow_id, session_id, title, title_custom, preview, message_count, created_at, updated_at
       FROM conversations WHERE trashed_at IS NULL ORDER BY flow_id, session_id`,
    ),
    messages: await rawRows(
      server,
      `SELECT c.flow_id, c.session_id, m.id, m.role, m.content, m.created_at, m.chat_id, m.chat_type, m.metadata, m.import_key
       FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.trashed_at IS NULL ORDER BY m.id`,
    ),
  };
}

/** A source with what an export must carry over: many pages, odd text, every field set somewhere. */
async function fillSource(server: TestServer) {
  const store = server.mnemo.store;
  // 1,200 conversations: three pages of the export's 500.
  await seedStore(store, { seed: 7, flows: 3, sessions: 1_200, messages: 6_000, days: 60, end: END });
  const json = (path: string, body: unknown, method = 'POST') =>
    server.request(path, { method, json: body }).then((r) => expect(r.status, path).toBeLessThan(300));
  await json('/api/v1/flows', {
    id: 'local',
    name: 'Local model',
    responder: {
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3',
      temperature: 0.3,
    },
    retentionDays: 90,
  });
  // One conversation longer than the export's message page (2,000).
  await store.bulkInsert([
    {
      flowId: 'local',
      sessionId: 'long one',
      messages: Array.from({ length: 2_345 }, (_, i) => ({
        role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: `turn ${i}: ${'ünïcødé 🙂 "quotes" \\ back\nslash '.repeat((i % 3) + 1)}`,
        createdAt: END - DAY + Math.floor(i / 3), // ties in time, kept in insertion order
        chatType: 'EXTERNAL' as const,
      })),
    },
  ]);
  // Sim extra keys become metadata; a rename makes a custom title; a window turn is INTERNAL.
  await json('/api/memory', {
    conversationId: 'with-meta',
    role: 'user',
    content: 'hi',
    blockId: 'local',
    mood: { x: [1, 2] },
  });
  await json('/api/v1/sessions/local/with-meta', { title: 'A title of my own' }, 'PATCH');
  await json('/api/v1/sessions/default/by-hand/messages', { content: 'typed in the window' });
  await store.bulkInsert([
    {
      flowId: 'default',
      sessionId: 'no user message',
      messages: [{ role: 'system', content: 'only a system line', createdAt: END, chatType: 'EXTERNAL' }],
    },
  ]);
  // A trashed conversation is not exported.
  await server.request('/api/v1/sessions/seed-1/session-0', { method: 'DELETE' });
}

describe('export → import into an empty data dir → export', () => {
  it('gives the same file byte for byte and the same rows', async () => {
    const source = await start();
    await fillSource(source);
    const first = await exportText(source);

    const target = await start();
    const imported = await importText(target, first);
    const sourceRows = await rows(source);
    expect(imported).toEqual({
      format: 'mnemo',
      flows: 4, // seed-1..3 and local; default existed
      sessions: sourceRows.conversations.length,
      messages: sourceRows.messages.length,
      skipped: 0,
    });
    const second = await exportText(target);
    expect(stable(second)).toBe(stable(first));

    const targetRows = await rows(target);
    expect(targetRows.conversations).toHaveLength(1_200 - 1 + 4);
    expect(targetRows.messages.length).toBeGreaterThan(8_000);
    expect(targetRows).toEqual(sourceRows);
  });

  it('adds nothing when the same file is imported again (even after its conversations went to the trash)', async () => {
    const source = await start();
    await fillSource(source);
    const file = await exportText(source);
    const before = await rows(source);

    const again = await importText(source, file);
    expect(again).toMatchObject({ flows: 0, sessions: 0, messages: 0, skipped: before.messages.length });
    expect(await rows(source)).toEqual(before);

    await source.request('/api/v1/sessions/local/long%20one', { method: 'DELETE' });
    const afterTrash = await importText(source, file);
    expect(afterTrash.messages).toBe(0);
  });

  it('writes one flow or session per line, and Markdown with a section per conversation', async () => {
    const source = await start();
    await fillSource(source);
    const lines = (await exportText(source)).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\{"format":"mnemo","version":1,"exportedAt":"[^"]+","flows":\[$/);
    const sessionLines = lines.filter((l) => l.startsWith('{"flowId"'));
    expect(sessionLines).toHaveLength(1_203);
    for (const line of sessionLines) JSON.parse(line.replace(/,$/, ''));

    const md = await exportText(source, 'format=markdown&flowId=local');
    expect(md).toContain('## A title of my own\n');
    expect(md).toContain('- Flow: Local model (`local`)');
    expect(md).toContain('- Session: `long one`');
    expect(md).toMatch(/### User · 2026-02-28T12:00:00\.000Z\n\nturn 0: /);
    expect(md).toMatch(/### Assistant · 2026-02-28T12:00:00\.000Z\n\nturn 1: /);
    expect(md.match(/^## /gm)).toHaveLength(2);
  });
});
