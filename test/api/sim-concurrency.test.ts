import { afterAll, beforeAll, expect, it } from 'vitest';
import { onPostgres } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const CLIENTS = 8;
// On PostgreSQL the same race at a quarter of the appends: each one there is a row lock
// and five round trips, and 1,600 of them took a minute of CI's PostgreSQL stage.
const PER_CLIENT = onPostgres() ? 50 : 200;

it(`${CLIENTS} clients appending ${PER_CLIENT} messages each to one conversation at once lose and duplicate nothing`, async () => {
  const conversationId = 'busy-conversation';
  const started = performance.now();
  // Each client sends its messages one after another; the 8 clients run at the same time.
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const res = await server.request('/api/memory', {
          method: 'POST',
          json: {
            conversationId,
            role: i % 2 ? 'assistant' : 'user',
            content: `client ${client} message ${i}`,
          },
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${CLIENTS * PER_CLIENT} appends over HTTP in ${seconds.toFixed(1)} s`);

  const res = await server.request(`/api/v1/chatmessage/default?sessionId=${conversationId}`);
  const messages = (await res.json()) as Array<{ id: string; content: string }>;
  expect(messages).toHaveLength(CLIENTS * PER_CLIENT);
  expect(new Set(messages.map((m) => m.id)).size).toBe(CLIENTS * PER_CLIENT);
  const expected = new Set<string>();
  for (let c = 0; c < CLIENTS; c++)
    for (let i = 0; i < PER_CLIENT; i++) expected.add(`client ${c} message ${i}`);
  expect(new Set(messages.map((m) => m.content))).toEqual(expected);

  // Each client's messages keep the order it sent them in.
  for (let c = 0; c < CLIENTS; c++) {
    const own = messages.filter((m) => m.content.startsWith(`client ${c} `)).map((m) => m.content);
    expect(own).toEqual(Array.from({ length: PER_CLIENT }, (_, i) => `client ${c} message ${i}`));
  }

  const conversation = await server.mnemo.store.getConversation('default', conversationId);
  expect(conversation?.messageCount).toBe(CLIENTS * PER_CLIENT);
  const stats = await server.request(`/api/v1/stats/default?sessionId=${conversationId}`);
  expect(await stats.json()).toEqual({ totalMessages: CLIENTS * PER_CLIENT, totalSessions: 1 });
}, 120_000);
