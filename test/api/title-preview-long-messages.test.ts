/**
 * A conversation's title and preview after messages are added to it (an import into a
 * live conversation): the PostgreSQL store reads only the start of its first user message
 * and of its last one, and the whole message only when that start cannot decide. Both
 * stores must give exactly what cutting the whole text does, however the start looks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PREVIEW_LENGTH, TITLE_LENGTH } from '../../src/main/store/messages';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The definition: the whole text on one line, cut to n characters. */
function reference(text: string, n: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= n ? flat : `${chars.slice(0, n - 1).join('')}…`;
}

const MIB = 1024 * 1024;
const texts: Record<string, string> = {
  'a 1 MiB message': `${'word '.repeat(MIB / 5)}end`,
  'short words after a long blank start': `${' \n'.repeat(1_000)}${'late start '.repeat(50)}`,
  'U+0000 all through its start (escaped in PostgreSQL)': `${'\u0000a'.repeat(2_000)} tail`,
  'astral characters at the cut': '😀'.repeat(5_000),
  'a short one': 'hello there',
  'blank then nothing': ' '.repeat(3_000),
};

it.each(Object.entries(texts))('%s', async (name, text) => {
  const store = server.mnemo.store;
  const sessionId = name.replace(/\W+/g, '-');
  const first = {
    role: 'user' as const,
    content: 'placeholder',
    chatType: 'EXTERNAL' as const,
    createdAt: 1e12,
  };
  await store.bulkInsert([{ flowId: 'default', sessionId, messages: [first] }]);
  // Added to the live conversation: its title and preview are computed again from its messages.
  await store.bulkInsert([
    {
      flowId: 'default',
      sessionId,
      messages: [
        { role: 'user', content: text, chatType: 'EXTERNAL', createdAt: 1e12 - 1 },
        { role: 'assistant', content: text, chatType: 'EXTERNAL', createdAt: 1e12 + 1 },
      ],
    },
  ]);
  const session = await store.getSession('default', sessionId);
  expect(session?.messageCount).toBe(3);
  expect(session?.title).toBe(reference(text, TITLE_LENGTH));
  expect(session?.preview).toBe(reference(text, PREVIEW_LENGTH));
});
