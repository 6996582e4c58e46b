/** Putting conversations with chosen times into a test server's store, and reading them back over HTTP. */
import type { SessionList } from '../../src/shared/schemas/sessions';
import type { TestServer } from './server';

export interface PutMessage {
  role?: 'user' | 'assistant' | 'system';
  content: string;
  /** Epoch ms or an ISO time. */
  at: number | string;
}

const ms = (at: number | string) => (typeof at === 'number' ? at : Date.parse(at));

/** Ensures the flow exists, then inserts the conversation (or appends to the live one). */
export async function putConversation(
  server: TestServer,
  flowId: string,
  sessionId: string,
  messages: PutMessage[],
): Promise<void> {
  const store = server.mnemo.store;
  if (!(await store.getFlow(flowId))) {
    await store.createFlow({ id: flowId, name: `Flow ${flowId}`, responder: { kind: 'echo' } });
  }
  await store.bulkInsert([
    {
      flowId,
      sessionId,
      messages: messages.map((m, i) => ({
        role: m.role ?? (i % 2 === 0 ? 'user' : 'assistant'),
        content: m.content,
        createdAt: ms(m.at),
        chatType: 'EXTERNAL',
      })),
    },
  ]);
}

export async function getJson<T>(
  server: TestServer,
  pathAndQuery: string,
  init?: Parameters<TestServer['request']>[1],
) {
  const res = await server.request(pathAndQuery, init);
  return { status: res.status, body: (await res.json()) as T };
}

export async function listSessions(server: TestServer, query: Record<string, string | number> = {}) {
  const qs = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  const res = await getJson<SessionList>(server, `/api/v1/sessions${qs ? `?${qs}` : ''}`);
  if (res.status !== 200) throw new Error(`list ${qs}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every page of a list, following nextCursor. */
export async function listAll(server: TestServer, query: Record<string, string | number> = {}) {
  const items: SessionList['items'] = [];
  let cursor: string | null = null;
  do {
    const page: SessionList = await listSessions(server, cursor ? { ...query, cursor } : query);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
