import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A value nested `levels` deep: {"a":{"a":…1…}}. */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const DEEP = nested(5_000);

async function refused(file: string): Promise<string> {
  const res = await server.request('/api/v1/import', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: file,
  });
  const body = (await res.json()) as { message: string };
  expect(res.status, body.message).toBe(400);
  return body.message;
}

const mnemoFile = (metadata: string) =>
  `{"format":"mnemo","version":1,"flows":[],"sessions":[\n${JSON.stringify({
    flowId: 'default',
    sessionId: 's1',
    title: null,
    messages: [
      {
        id: 'm-1',
        role: 'user',
        content: 'hi',
        createdAt: '2026-01-01T00:00:00.000Z',
        chatId: 's1',
        chatType: 'EXTERNAL',
        metadata: null,
      },
    ],
  }).replace('"metadata":null', `"metadata":{"deep":${metadata}}`)}\n]}`;

describe('POST /api/v1/import: metadata nested 5,000 levels deep is refused with a 400 naming the record and field', () => {
  it('Mnemo JSON (a message metadata key)', async () => {
    expect(await refused(mnemoFile(DEEP))).toBe(
      'session 0 (line 2), field "messages.0.metadata.deep": nests deeper than 32 levels; nothing was imported',
    );
  });

  it("Flowise (a message's extra key)", async () => {
    const file = `[{"id":"chat-1","messages":[{"content":"hi","role":"user","time":"2026-01-01T00:00:00.000Z","sourceDocuments":${DEEP}}]}]`;
    expect(await refused(file)).toBe(
      'record 0 (line 1), field "messages.0.sourceDocuments": nests deeper than 32 levels; nothing was imported',
    );
  });

  it("Sim (a message's extra key, in an array and in {memories})", async () => {
    const memory = `{"conversationId":"c1","data":[{"role":"user","content":"ok"},{"role":"user","content":"hi","toolCalls":${DEEP}}]}`;
    const expected =
      'record 0 (line 1), field "data.1.toolCalls": nests deeper than 32 levels; nothing was imported';
    expect(await refused(`[${memory}]`)).toBe(expected);
    expect(await refused(`{"memories":[${memory}]}`)).toBe(expected);
  });

  it('takes metadata 32 levels deep (and the refused files stored nothing)', async () => {
    const res = await server.request('/api/v1/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: mnemoFile(nested(31)),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ messages: 1 });
    const count = await (await server.request('/api/v1/sessions/count')).json();
    expect(count).toMatchObject({ total: 1 });
  });
});
