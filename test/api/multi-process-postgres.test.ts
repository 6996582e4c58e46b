/**
 * Two Mnemo servers on one PostgreSQL database (a team's shared memory server behind a
 * load balancer): writes from both are stored once in the order they were acknowledged,
 * events cross over, a session's turns take turns, settings apply on both, migrations
 * run once and a newer database is refused.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgStore, PG_LATEST_SCHEMA_VERSION } from '../../src/main/store/postgres';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';

const KEY = 'team-key-0123456789abcdef';
let a: TestServer;
let b: TestServer;

// PostgreSQL only: sharing one database between processes is what the PostgreSQL store is for.
describe.skipIf(!onPostgres())('two servers on one PostgreSQL database', () => {
  beforeAll(async () => {
    a = await startTestServer({ env: { MNEMO_API_KEY: KEY } });
    b = await startTestServer({ env: { MNEMO_API_KEY: KEY }, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const append = (server: TestServer, sessionId: string, content: string) =>
    server.request('/api/memory', {
      method: 'POST',
      json: { conversationId: sessionId, role: 'user', content },
    });

  it('both accept the same API key', async () => {
    for (const server of [a, b]) expect((await server.request('/api/v1/flows')).status).toBe(200);
  });

  it('appends to one conversation from both are stored once, each client’s in the order acknowledged', async () => {
    const client = async (server: TestServer, name: string) => {
      for (let i = 0; i < 30; i++) expect((await append(server, 'shared', `${name} ${i}`)).status).toBe(200);
    };
    await Promise.all([client(a, 'a'), client(b, 'b')]);
    const res = await b.request('/api/v1/sessions/default/shared?limit=1000');
    expect(res.status).toBe(200);
    const contents = ((await res.json()) as { messages: Array<{ content: string }> }).messages.map(
      (m) => m.content,
    );
    expect(contents).toHaveLength(60);
    expect(new Set(contents).size).toBe(60);
    for (const name of ['a', 'b']) {
      expect(contents.filter((c) => c.startsWith(`${name} `))).toEqual(
        Array.from({ length: 30 }, (_, i) => `${name} ${i}`),
      );
    }
  });

  it('Sim adds from both at once to a new block make the block and each conversation once', async () => {
    const add = async (server: TestServer, conversationId: string, content: string) => {
      const res = await server.request('/api/memory', {
        method: 'POST',
        json: { conversationId, blockId: 'race-block', blockName: 'Race', role: 'user', content },
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { memories: Array<{ blockName: string; data: unknown[] }> };
      expect(answer.memories[0]?.blockName).toBe('Race');
    };
    const conversations = Array.from({ length: 6 }, (_, i) => `race-${i}`);
    await Promise.all(
      conversations.flatMap((id) => [add(a, id, `${id} from a`), add(b, id, `${id} from b`)]),
    );
    const flows = (await (await b.request('/api/v1/flows')).json()) as {
      items: Array<{ id: string; name: string; sessionCount: number }>;
    };
    expect(flows.items.filter((f) => f.id === 'race-block')).toEqual([
      expect.objectContaining({ name: 'Race', sessionCount: conversations.length }),
    ]);
    for (const id of conversations) {
      const res = await a.request(`/api/v1/sessions/race-block/${id}`);
      expect(res.status).toBe(200);
      const contents = ((await res.json()) as { messages: Array<{ content: string }> }).messages
        .map((m) => m.content)
        .sort();
      expect(contents).toEqual([`${id} from a`, `${id} from b`]);
    }
  });

  it('an append on one reaches an event stream on the other within 1 s', async () => {
    const stream = await openSse(`${b.url}/api/v1/events`, { authorization: `Bearer ${KEY}` });
    try {
      await stream.next((m) => m.comment === 'connected');
      const event = JSON.stringify({ type: 'session.changed', flowId: 'default', sessionId: 'seen-on-b' });
      const seen = stream.next((m) => m.data === event, 1000);
      expect((await append(a, 'seen-on-b', 'hello from a')).status).toBe(200);
      await seen;
    } finally {
      stream.close();
    }
  });

  it('a session’s turns wait for one another across processes; other sessions do not', async () => {
    const order: string[] = [];
    let releaseA = () => {};
    const heldByA = a.mnemo.store.exclusive('["turn","default","locked"]', async () => {
      order.push('a starts');
      await new Promise<void>((resolve) => {
        releaseA = resolve;
      });
      order.push('a ends');
    });
    const other = await b.mnemo.store.exclusive('["turn","default","other"]', async () => 'ran');
    expect(other).toBe('ran');
    const waitingOnB = b.mnemo.store.exclusive('["turn","default","locked"]', async () => {
      order.push('b starts');
    });
    // B is waiting for the lock A holds (pg_locks shows it not granted), then A lets go.
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    try {
      await expect
        .poll(
          async () =>
            (
              await admin.query(
                "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
              )
            ).rows[0].n,
          { timeout: 5000 },
        )
        .toBe(1);
    } finally {
      await admin.end();
    }
    expect(order).toEqual(['a starts']);
    releaseA();
    await Promise.all([heldByA, waitingOnB]);
    expect(order).toEqual(['a starts', 'a ends', 'b starts']);
  });

  it('predictions on one session from both are stored as whole turns, never interleaved', async () => {
    const predict = (server: TestServer, i: number) =>
      server.request('/api/v1/prediction/default', {
        method: 'POST',
        json: { question: `q${i}`, overrideConfig: { sessionId: 'turns' } },
      });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => predict(i % 2 ? a : b, i)));
    for (const res of answers) expect(res.status).toBe(200);
    const res = await a.request('/api/v1/sessions/default/turns?limit=100');
    const roles = ((await res.json()) as { messages: Array<{ role: string }> }).messages.map((m) => m.role);
    expect(roles).toEqual(Array.from({ length: 16 }, (_, i) => (i % 2 ? 'assistant' : 'user')));
  });

  it('a CORS allowlist changed on one applies on the other', async () => {
    const put = await a.request('/api/v1/settings', {
      method: 'PUT',
      json: { corsOrigins: ['https://team.example'] },
    });
    expect(put.status).toBe(200);
    await expect
      .poll(
        async () =>
          (
            await fetch(`${b.url}/api/v1/health`, { headers: { origin: 'https://team.example' } })
          ).headers.get('access-control-allow-origin'),
        { timeout: 3000 },
      )
      .toBe('https://team.example');
  });
});

describe.skipIf(!onPostgres())('migrations on a shared database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('two processes starting at once migrate once', async () => {
    const stores = await Promise.all([
      openPgStore({ url: database.url }),
      openPgStore({ url: database.url }),
    ]);
    try {
      for (const store of stores) expect(await store.schemaVersion()).toBe(PG_LATEST_SCHEMA_VERSION);
    } finally {
      for (const store of stores) await store.close();
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const rows = await client.query('SELECT version FROM mnemo_schema_migrations');
      expect(rows.rows.map((r) => r.version)).toEqual(
        Array.from({ length: PG_LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
      );
      await client.query('INSERT INTO mnemo_schema_migrations (version) VALUES ($1)', [
        PG_LATEST_SCHEMA_VERSION + 1,
      ]);
    } finally {
      await client.end();
    }
  });

  it('a database a newer Mnemo migrated is refused, naming both versions and no password', async () => {
    const withPassword = new URL(database.url);
    withPassword.password = 'secret-pw';
    await expect(openPgStore({ url: withPassword.toString() })).rejects.toThrow(
      new RegExp(
        `schema version ${PG_LATEST_SCHEMA_VERSION + 1}, newer than this Mnemo understands \\(${PG_LATEST_SCHEMA_VERSION}\\)`,
      ),
    );
    await openPgStore({ url: withPassword.toString() }).catch((error: Error) => {
      expect(error.message).not.toContain('secret-pw');
    });
  });
});
