import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Flow } from '../../src/shared/schemas/flows';
import type { SessionDetail } from '../../src/shared/schemas/sessions';
import type { ImportResult } from '../../src/shared/schemas/transfer';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listAll, putConversation } from '../helpers/sessions';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const post = (body: string, query = '', contentType = 'application/json') =>
  server.request(`/api/v1/import${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

async function importOk(body: string, query = ''): Promise<ImportResult> {
  const res = await post(body, query);
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json as ImportResult;
}

const detail = async (flowId: string, sessionId: string) => {
  const res = await getJson<SessionDetail>(
    server,
    `/api/v1/sessions/${encodeURIComponent(flowId)}/${encodeURIComponent(sessionId)}`,
  );
  expect(res.status, `${flowId}/${sessionId}`).toBe(200);
  return res.body;
};

/** Everything the store holds, as the export shows it (the exportedAt line left out). */
const snapshot = async () =>
  (await (await server.request('/api/v1/export')).text()).replace(/"exportedAt":"[^"]+"/, '');

/** A file as Flowise's View Messages dialog writes it (JSON.stringify(records, null, 2)). */
function flowiseFile() {
  return JSON.stringify(
    [
      {
        id: 'chat-aaa',
        source: 'API/Embed',
        sessionId: 'user-42',
        memoryType: 'Buffer Memory',
        email: null,
        messages: [
          {
            content: 'It is 21 degrees.',
            role: 'bot',
            time: '2025-05-01T10:00:05.250Z',
            sourceDocuments: [{ pageContent: 'weather' }],
          },
          { content: 'How warm is it?', role: 'user', time: '2025-05-01T10:00:00.000Z' },
        ],
      },
      {
        id: 'chat-bbb',
        source: 'UI',
        sessionId: null,
        memoryType: null,
        email: null,
        messages: [
          { content: 'Hello from the Flowise window', role: 'user', time: '2025-05-02T08:30:00.000Z' },
          { content: 'Hello!', role: 'bot', time: '2025-05-02T08:30:01.000Z' },
          { content: 'Hello!', role: 'bot', time: '2025-05-02T08:30:01.000Z' },
        ],
      },
    ],
    null,
    2,
  );
}

describe('POST /api/v1/import: a Flowise View Messages export', () => {
  it('imports each chat as a session of the named flow, with roles, times, chat ids and extras', async () => {
    const result = await importOk(flowiseFile(), '?flowId=chatflow-1');
    expect(result).toEqual({ format: 'flowise', flows: 1, sessions: 2, messages: 5, skipped: 0 });

    const flows = (await getJson<{ items: Flow[] }>(server, '/api/v1/flows')).body.items;
    expect(flows.find((f) => f.id === 'chatflow-1')).toMatchObject({ name: 'chatflow-1', sessionCount: 2 });

    const api = await detail('chatflow-1', 'user-42');
    expect(api.messages.map((m) => [m.role, m.content, m.createdAt, m.chatId, m.chatType])).toEqual([
      ['user', 'How warm is it?', '2025-05-01T10:00:00.000Z', 'chat-aaa', 'EXTERNAL'],
      ['assistant', 'It is 21 degrees.', '2025-05-01T10:00:05.250Z', 'chat-aaa', 'EXTERNAL'],
    ]);
    expect(api.messages[1]?.metadata).toEqual({ sourceDocuments: [{ pageContent: 'weather' }] });
    expect(api).toMatchObject({ title: 'How warm is it?', createdAt: '2025-05-01T10:00:00.000Z' });

    // No sessionId: the chat id names the session; "UI" chats are the window's own (INTERNAL).
    const ui = await detail('chatflow-1', 'chat-bbb');
    expect(ui.messages.map((m) => [m.role, m.content, m.chatType])).toEqual([
      ['user', 'Hello from the Flowise window', 'INTERNAL'],
      ['assistant', 'Hello!', 'INTERNAL'],
      ['assistant', 'Hello!', 'INTERNAL'],
    ]);
  });

  it('goes to the default flow without ?flowId, and adds nothing the second time', async () => {
    expect(await importOk(flowiseFile())).toMatchObject({ flows: 0, sessions: 2, messages: 5 });
    const before = await snapshot();
    expect(await importOk(flowiseFile())).toEqual({
      format: 'flowise',
      flows: 0,
      sessions: 0,
      messages: 0,
      skipped: 5,
    });
    expect(await snapshot()).toBe(before);
    expect((await detail('default', 'user-42')).messageCount).toBe(2);
  });

  it('adds only the new messages of a later export of the same chats', async () => {
    await importOk(flowiseFile());
    const later = JSON.parse(flowiseFile());
    later[0].messages.push({ content: 'And tomorrow?', role: 'user', time: '2025-05-01T10:01:00.000Z' });
    expect(await importOk(JSON.stringify(later))).toMatchObject({ sessions: 1, messages: 1, skipped: 5 });
    expect((await detail('default', 'user-42')).messages.at(-1)?.content).toBe('And tomorrow?');
  });
});

describe('POST /api/v1/import: Sim memory arrays', () => {
  const simFile = () =>
    JSON.stringify([
      {
        conversationId: 'conv-1',
        blockId: 'agent-block',
        blockName: 'Support agent',
        data: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Where is my order?' },
          { role: 'assistant', content: 'On its way.', toolCalls: 2 },
        ],
      },
      { key: 'conv-2:agent-block', data: [{ role: 'user', content: 'Second conversation' }] },
      { conversationId: 'conv-3', data: [{ role: 'user', content: 'No block given' }] },
    ]);

  it('imports each memory into its block, in order, at the time of the import, once', async () => {
    const before = Date.now();
    const result = await importOk(simFile(), '?flowId=sim-default');
    const after = Date.now();
    expect(result).toEqual({ format: 'sim', flows: 2, sessions: 3, messages: 5, skipped: 0 });

    const flows = (await getJson<{ items: Flow[] }>(server, '/api/v1/flows')).body.items;
    expect(flows.find((f) => f.id === 'agent-block')?.name).toBe('Support agent');

    const one = await detail('agent-block', 'conv-1');
    expect(one.messages.map((m) => [m.role, m.content, m.chatId, m.chatType])).toEqual([
      ['system', 'Be brief.', 'conv-1', 'EXTERNAL'],
      ['user', 'Where is my order?', 'conv-1', 'EXTERNAL'],
      ['assistant', 'On its way.', 'conv-1', 'EXTERNAL'],
    ]);
    expect(one.messages[2]?.metadata).toEqual({ toolCalls: 2 });
    for (const m of one.messages) {
      expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(m.createdAt)).toBeLessThanOrEqual(after);
    }
    expect((await detail('agent-block', 'conv-2')).messages[0]?.content).toBe('Second conversation');
    expect((await detail('sim-default', 'conv-3')).messages[0]?.content).toBe('No block given');

    expect(await importOk(simFile(), '?flowId=sim-default')).toMatchObject({ messages: 0, skipped: 5 });
    expect((await detail('agent-block', 'conv-1')).messageCount).toBe(3);
  });

  it("reads Sim's {memories:[...]} answer as Mnemo's GET /api/memory gives it", async () => {
    await server.request('/api/memory', {
      method: 'POST',
      json: { conversationId: 'c9', role: 'user', content: 'kept in Sim', blockId: 'blk' },
    });
    const answer = await (await server.request('/api/memory?blockId=blk')).text();
    await server.request('/api/memory?blockId=blk', { method: 'DELETE' });
    expect(await importOk(answer)).toMatchObject({ format: 'sim', sessions: 1, messages: 1 });
    expect((await detail('blk', 'c9')).messages[0]?.content).toBe('kept in Sim');
  });
});

describe('POST /api/v1/import: a bad file changes nothing and says what is wrong', () => {
  async function refused(body: string, status = 400): Promise<string> {
    const before = await snapshot();
    const res = await post(body);
    const json = (await res.json()) as { message: string };
    expect(res.status, json.message).toBe(status);
    expect(json).toMatchObject({ statusCode: status, success: false });
    expect(await snapshot()).toBe(before);
    return json.message;
  }

  beforeEach(async () => {
    await putConversation(server, 'default', 'existing', [{ content: 'already here', at: 1_000 }]);
  });

  it('not JSON: names the line and column', async () => {
    expect(await refused('[\n  {"id": "a",\n   "messages": [}\n]')).toMatch(
      /^the file is not valid JSON \(line 3, column 17\); nothing was imported$/,
    );
    expect(await refused('[{"id": tru}]')).toMatch(/line 1, column 9/);
    expect(await refused('')).toMatch(/the file is empty/);
  });

  it('an unknown shape', async () => {
    expect(await refused('{"hello": "world"}')).toMatch(/^not a file Mnemo imports: expected Mnemo JSON/);
    expect(await refused('[{"text": "hi"}]')).toMatch(
      /^record 0 \(line 1\): has neither "messages" \(Flowise\) nor "data" \(Sim\)/,
    );
    expect(await refused('42')).toMatch(/^not a file Mnemo imports/);
    expect(await refused('{"format": "other", "version": 1, "flows": [], "sessions": []}')).toMatch(
      /^field "format": /,
    );
    expect(await refused('{"format": "mnemo", "version": 2, "flows": [], "sessions": []}')).toMatch(
      /^field "version": must be 1/,
    );
  });

  it('a bad role, naming the record, its line and the field', async () => {
    const file = JSON.parse(flowiseFile());
    file[1].messages[2].role = 'assistant';
    expect(await refused(JSON.stringify(file, null, 2))).toBe(
      'record 1 (line 26), field "messages.2.role": must be "user" or "bot"; nothing was imported',
    );
    const sim = [
      { conversationId: 'c', data: [{ role: 'user', content: 'ok' }] },
      { conversationId: 'd', data: [{ role: 'robot', content: 'x' }] },
    ];
    expect(await refused(JSON.stringify(sim))).toMatch(/^record 1 \(line 1\), field "data\.0\.role": /);
  });

  it('empty content', async () => {
    const file = JSON.parse(flowiseFile());
    file[0].messages[1].content = '';
    expect(await refused(JSON.stringify(file, null, 2))).toMatch(
      /^record 0 \(line 2\), field "messages\.1\.content": must not be empty; nothing was imported$/,
    );
  });

  it('a bad time', async () => {
    const file = JSON.parse(flowiseFile());
    file[1].messages[0].time = 'yesterday';
    expect(await refused(JSON.stringify(file, null, 2))).toMatch(
      /^record 1 \(line 26\), field "messages\.0\.time": must be an ISO 8601 time/,
    );
  });

  it('a Mnemo file whose last session is bad: none of the good ones before it are taken', async () => {
    const exported = await (await server.request('/api/v1/export')).text();
    const file = JSON.parse(exported);
    for (let i = 0; i < 3; i++) {
      file.sessions.push({
        flowId: 'new-flow',
        sessionId: `s${i}`,
        title: null,
        titleCustom: false,
        messages: [
          {
            id: `0196f0aa-0000-7000-8000-00000000000${i}`,
            role: 'user',
            content: 'fine',
            createdAt: '2026-01-01T00:00:00.000Z',
            chatId: `s${i}`,
            chatType: 'EXTERNAL',
            metadata: null,
          },
        ],
      });
    }
    (file.sessions[3].messages[0] as { createdAt: string }).createdAt = '2026-13-45T00:00:00.000Z';
    // Written one session per line, as Mnemo writes it.
    const text = `${JSON.stringify({ ...file, sessions: [] }).replace('"sessions":[]}', '"sessions":[\n')}${file.sessions.map((s: unknown) => JSON.stringify(s)).join(',\n')}\n]}`;
    expect(await refused(text)).toMatch(
      /^session 3 \(line 5\), field "messages\.0\.createdAt": must be an ISO 8601 time/,
    );
    const flows = (await getJson<{ items: Flow[] }>(server, '/api/v1/flows')).body.items;
    expect(flows.map((f) => f.id)).toEqual(['default']);
    expect((await listAll(server)).map((s) => s.sessionId)).toEqual(['existing']);
  });

  it('a Sim key that names no conversation, and a record with neither conversationId nor key', async () => {
    expect(await refused(JSON.stringify([{ key: 'conv:bad block!', data: [] }]))).toMatch(
      /^record 0 \(line 1\), field "key": /,
    );
    expect(await refused(JSON.stringify([{ data: [] }]))).toMatch(
      /^record 0 \(line 1\), field "conversationId": is required \(or "key"\)/,
    );
  });

  it('415 for a body that is not JSON, 400 for a bad ?flowId', async () => {
    const res = await post('[]', '', 'text/csv');
    expect(res.status).toBe(415);
    const bad = await post('[]', '?flowId=%20nope');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/query field "flowId"/);
  });
});

describe('POST /api/v1/import: size', () => {
  it('takes files beyond the 2 MiB limit of other routes', async () => {
    const big = 'x'.repeat(100_000);
    const file = [
      {
        conversationId: 'big',
        data: Array.from({ length: 30 }, (_, i) => ({ role: 'user', content: `${i} ${big}` })),
      },
    ];
    const text = JSON.stringify(file);
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(await importOk(text)).toMatchObject({ messages: 30 });
    const other = await server.request('/api/memory', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        conversationId: 'x',
        role: 'user',
        content: 'y',
        pad: 'x'.repeat(3 * 1024 * 1024),
      }),
    });
    expect(other.status).toBe(413);
  });
});
