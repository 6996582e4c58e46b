import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listAll, putConversation } from '../helpers/sessions';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
  await putConversation(server, 'default', 'jan', [
    { content: 'january zebra', at: '2026-01-10T10:00:00.000Z' },
    { content: 'reply', at: '2026-01-10T10:01:00.000Z' },
  ]);
  await putConversation(server, 'default', 'feb', [
    { content: 'february notes', at: '2026-02-10T10:00:00.000Z' },
  ]);
  await putConversation(server, 'work', 'mar', [{ content: 'march zebra', at: '2026-03-10T10:00:00.000Z' }]);
  await putConversation(server, 'work', 'gone', [
    { content: 'trashed zebra', at: '2026-03-11T10:00:00.000Z' },
  ]);
  await server.request('/api/v1/sessions/work/gone', { method: 'DELETE' });
});
afterEach(() => server.close());

interface ExportFile {
  format: string;
  flows: Array<{ id: string }>;
  sessions: Array<{ flowId: string; sessionId: string; messages: Array<{ content: string }> }>;
}

async function exported(query: string) {
  const res = await server.request(`/api/v1/export?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { res, file: (await res.json()) as ExportFile };
}
const keys = (file: ExportFile) => file.sessions.map((s) => `${s.flowId}/${s.sessionId}`).sort();

describe('GET /api/v1/export', () => {
  it('everything: every live conversation (not the trash) and every flow, as an attachment', async () => {
    const { res, file } = await exported('');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="mnemo-export-\d{4}-\d{2}-\d{2}-\d{6}\.json"$/,
    );
    expect(file.format).toBe('mnemo');
    expect(keys(file)).toEqual(['default/feb', 'default/jan', 'work/mar']);
    expect(file.flows.map((f) => f.id)).toEqual(['default', 'work']);
  });

  it('the same conversations as the session list for each filter, and only their flows', async () => {
    const filters = [
      'flowId=work',
      'q=zebra',
      'startDate=2026-02-01&endDate=2026-02-28',
      'startDate=2026-01-10T10:00:30.000Z&endDate=2026-01-10T10:00:40.000Z',
      'flowId=default&q=zebra',
    ];
    for (const filter of filters) {
      const { file } = await exported(filter);
      const query = Object.fromEntries(new URLSearchParams(filter));
      const listed = (await listAll(server, query)).map((s) => `${s.flowId}/${s.sessionId}`).sort();
      expect(keys(file), filter).toEqual(listed);
      expect(file.flows.map((f) => f.id).sort(), filter).toEqual(
        [...new Set(listed.map((k) => k.split('/')[0]))].sort(),
      );
    }
  });

  it('one conversation with flowId + sessionId, named after it; Markdown as text/markdown', async () => {
    const { res, file } = await exported('flowId=default&sessionId=jan');
    expect(keys(file)).toEqual(['default/jan']);
    expect(file.sessions[0]?.messages.map((m) => m.content)).toEqual(['january zebra', 'reply']);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="mnemo-default-jan.json"');

    const md = await server.request('/api/v1/export?format=markdown&flowId=default&sessionId=jan');
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toBe('attachment; filename="mnemo-default-jan.md"');
    const text = await md.text();
    expect(text).toContain('## january zebra');
    expect(text).toContain('### User · 2026-01-10T10:00:00.000Z\n\njanuary zebra');
    expect(text).toContain('### Assistant · 2026-01-10T10:01:00.000Z\n\nreply');
  });

  it('an export that matches nothing is still a valid, importable file', async () => {
    const { file } = await exported('q=nothingmatchesthis');
    expect(file).toMatchObject({ format: 'mnemo', flows: [], sessions: [] });
    const md = await (await server.request('/api/v1/export?format=markdown&q=nothingmatchesthis')).text();
    expect(md).toContain('No conversations matched.');
  });

  it('400 naming the field for bad input', async () => {
    for (const [query, field] of [
      ['format=csv', 'format'],
      ['startDate=tomorrow', 'startDate'],
      ['startDate=2026-02-01&endDate=2026-01-01', 'endDate'],
      ['flowId=%20x', 'flowId'],
      ['sessionId=', 'sessionId'],
    ] as const) {
      const res = await getJson<{ message: string }>(server, `/api/v1/export?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.message, query).toContain(`"${field}"`);
    }
  });

  it('needs the key', async () => {
    const res = await server.request('/api/v1/export', { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
  });

  it('a client that goes away mid-stream leaves the server working', async () => {
    const bulk = Array.from({ length: 3_000 }, (_, i) => ({
      flowId: 'default',
      sessionId: `bulk-${i}`,
      messages: [
        {
          role: 'user' as const,
          content: `message ${i} ${'x'.repeat(2_000)}`,
          createdAt: i,
          chatType: 'EXTERNAL' as const,
        },
      ],
    }));
    await server.mnemo.store.bulkInsert(bulk);
    const controller = new AbortController();
    const res = await server.request('/api/v1/export', { signal: controller.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 100));
    await putConversation(server, 'default', 'after', [{ content: 'still writing', at: 5 }]);
    const { file } = await exported('flowId=default&sessionId=after');
    expect(file.sessions).toHaveLength(1);
  });

  it('the API description lists both routes', async () => {
    const doc = (
      await getJson<{ paths: Record<string, Record<string, unknown>> }>(server, '/api/v1/openapi.json')
    ).body;
    expect(doc.paths['/api/v1/export']).toHaveProperty('get');
    expect(doc.paths['/api/v1/import']).toHaveProperty('post');
  });
});
