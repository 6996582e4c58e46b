import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/shared/schemas/sessions';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listAll, listSessions, type PutMessage, putConversation } from '../helpers/sessions';

// Each conversation's messages (UTC). The range 2026-03-01 .. 2026-03-08 (bare end date:
// the whole day) holds a message of a1, a2, b1 and b3; a3 only spans it; b2 starts just after.
const DATA: Record<string, Record<string, PutMessage[]>> = {
  alpha: {
    a1: [
      { content: 'hello zebra', at: '2026-03-01T10:00:00.000Z' },
      { content: 'hi there', at: '2026-03-01T10:05:00.000Z' },
    ],
    a2: [
      { content: 'second thoughts', at: '2026-03-05T12:00:00.000Z' },
      { content: 'later reply', at: '2026-03-10T09:00:00.000Z' },
    ],
    a3: [
      { content: 'before the range', at: '2026-02-20T08:00:00.000Z' },
      { content: 'after the range', at: '2026-03-20T08:00:00.000Z' },
    ],
  },
  beta: {
    b1: [{ content: 'last millisecond of the 8th', at: '2026-03-08T23:59:59.999Z' }],
    b2: [
      { content: 'first millisecond of the 9th', at: '2026-03-09T00:00:00.000Z' },
      { content: 'mid month', at: '2026-03-15T00:00:00.000Z' },
    ],
    b3: [
      { content: 'long ago', at: '2026-02-01T00:00:00.000Z' },
      { content: 'inside once', at: '2026-03-04T00:00:00.000Z' },
      { content: 'far later', at: '2026-04-01T00:00:00.000Z' },
    ],
  },
};

interface Expected {
  flowId: string;
  sessionId: string;
  created: number;
  updated: number;
  times: number[];
}
const expected: Expected[] = Object.entries(DATA).flatMap(([flowId, sessions]) =>
  Object.entries(sessions).map(([sessionId, messages]) => {
    const times = messages.map((m) => Date.parse(String(m.at)));
    return { flowId, sessionId, times, created: Math.min(...times), updated: Math.max(...times) };
  }),
);

/** The expected order of a list, computed from DATA (ties would go by insertion, as ids are). */
function expectedOrder(by: 'updated' | 'created', sort: 'ASC' | 'DESC', rows = expected): string[] {
  const sign = sort === 'ASC' ? 1 : -1;
  return [...rows].sort((x, y) => sign * (x[by] - y[by])).map((r) => r.sessionId);
}
const ids = (items: SessionSummary[]) => items.map((i) => i.sessionId);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  for (const e of expected)
    await putConversation(server, e.flowId, e.sessionId, DATA[e.flowId]?.[e.sessionId] ?? []);
});
afterAll(() => server.close());

describe('GET /api/v1/sessions', () => {
  it('lists every live conversation, newest activity first, with its summary and the total', async () => {
    const list = await listSessions(server);
    expect(ids(list.items)).toEqual(expectedOrder('updated', 'DESC'));
    expect(list.total).toBe(expected.length);
    expect(list.nextCursor).toBeNull();
    const a2 = list.items.find((i) => i.sessionId === 'a2');
    expect(a2).toEqual({
      flowId: 'alpha',
      flowName: 'Flow alpha',
      sessionId: 'a2',
      title: 'second thoughts',
      preview: 'later reply',
      messageCount: 2,
      createdAt: '2026-03-05T12:00:00.000Z',
      updatedAt: '2026-03-10T09:00:00.000Z',
    });
  });

  for (const by of ['updated', 'created'] as const) {
    for (const sort of ['ASC', 'DESC'] as const) {
      it(`sorts by ${by} ${sort}`, async () => {
        const list = await listSessions(server, { by, sort });
        expect(ids(list.items)).toEqual(expectedOrder(by, sort));
      });
    }
  }

  it('filters by flow', async () => {
    const list = await listSessions(server, { flowId: 'beta' });
    expect(ids(list.items)).toEqual(
      expectedOrder(
        'updated',
        'DESC',
        expected.filter((e) => e.flowId === 'beta'),
      ),
    );
    expect(list.total).toBe(3);
    expect(list.items.every((i) => i.flowName === 'Flow beta')).toBe(true);
  });

  it('an unknown flow matches nothing', async () => {
    expect(await listSessions(server, { flowId: 'nope' })).toEqual({
      items: [],
      nextCursor: null,
      total: 0,
      totalExact: true,
    });
  });

  it('a date range matches conversations with a message inside it, both ends inclusive, a bare end date its whole day', async () => {
    const list = await listSessions(server, { startDate: '2026-03-01', endDate: '2026-03-08' });
    expect(ids(list.items).sort()).toEqual(['a1', 'a2', 'b1', 'b3']);
    expect(list.total).toBe(4);
  });

  it('checks the range against each message, not the span of the conversation', async () => {
    const inRange = (start: number, end: number) =>
      expected
        .filter((e) => e.times.some((t) => t >= start && t <= end))
        .map((e) => e.sessionId)
        .sort();
    const start = '2026-03-11T00:00:00.000Z';
    const end = '2026-03-19T00:00:00.000Z';
    const list = await listSessions(server, { startDate: start, endDate: end });
    expect(ids(list.items).sort()).toEqual(inRange(Date.parse(start), Date.parse(end)));
    expect(ids(list.items)).not.toContain('a3');
    expect(ids(list.items)).toContain('b2');
  });

  it('instants are inclusive to the millisecond', async () => {
    const exact = await listSessions(server, {
      startDate: '2026-03-09T00:00:00.000Z',
      endDate: '2026-03-09T00:00:00.000Z',
    });
    expect(ids(exact.items)).toEqual(['b2']);
    const before = await listSessions(server, {
      startDate: '2026-03-08T23:59:59.999Z',
      endDate: '2026-03-08T23:59:59.999Z',
    });
    expect(ids(before.items)).toEqual(['b1']);
  });

  it('takes offsets and single-ended ranges', async () => {
    // 2026-03-09T01:00+01:00 is midnight UTC: b2's first message.
    const offset = await listSessions(server, {
      startDate: '2026-03-09T01:00:00+01:00',
      endDate: '2026-03-09T01:00:00+01:00',
    });
    expect(ids(offset.items)).toEqual(['b2']);
    const from = await listSessions(server, { startDate: '2026-03-16' });
    expect(ids(from.items).sort()).toEqual(['a3', 'b3']);
    const until = await listSessions(server, { endDate: '2026-02-01' });
    expect(ids(until.items)).toEqual(['b3']);
  });

  it('pages by cursor through every row exactly once, in order, for each sort', async () => {
    for (const by of ['updated', 'created'] as const) {
      for (const sort of ['ASC', 'DESC'] as const) {
        const first = await listSessions(server, { by, sort, limit: 2 });
        expect(first.items).toHaveLength(2);
        expect(first.total).toBe(expected.length);
        expect(first.nextCursor).toEqual(expect.any(String));
        const all = await listAll(server, { by, sort, limit: 2 });
        expect(ids(all)).toEqual(expectedOrder(by, sort));
      }
    }
  });

  it('the last page has no cursor, also when it is exactly full', async () => {
    const page = await listSessions(server, { limit: expected.length });
    expect(page.items).toHaveLength(expected.length);
    expect(page.nextCursor).toBeNull();
  });

  it('filters and pages together', async () => {
    const all = await listAll(server, {
      startDate: '2026-03-01',
      endDate: '2026-03-08',
      sort: 'ASC',
      limit: 1,
    });
    expect(ids(all).sort()).toEqual(['a1', 'a2', 'b1', 'b3']);
  });
});

describe('keyset paging while rows are added', () => {
  let paging: TestServer;
  beforeAll(async () => {
    paging = await startTestServer();
    // Ten conversations, three of them sharing one last-activity time (ties go by id).
    for (let i = 0; i < 10; i++) {
      const at = i < 3 ? '2026-01-01T00:00:00.000Z' : Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000;
      await putConversation(paging, 'default', `s${i}`, [{ content: `message ${i}`, at }]);
    }
  });
  afterAll(() => paging.close());

  for (const sort of ['DESC', 'ASC'] as const) {
    it(`${sort}: sees each original row once when new conversations arrive between pages`, async () => {
      const before = ids(await listAll(paging, { sort, limit: 100 }));
      const seen: string[] = [];
      let cursor: string | null = null;
      let added = 0;
      do {
        const page = await listSessions(paging, { sort, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...ids(page.items));
        cursor = page.nextCursor;
        // Newer than anything (lands before the cursor in DESC) and older (before it in ASC).
        await putConversation(paging, 'default', `new-${sort}-${added++}`, [
          { content: 'arrived while paging', at: sort === 'DESC' ? Date.now() : '2025-01-01T00:00:00.000Z' },
        ]);
      } while (cursor);
      expect(seen).toEqual(before);
    });
  }
});

describe('bad input', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['startDate=2026-13-01', 'startDate', /ISO 8601/],
    ['startDate=2026-02-30', 'startDate', /ISO 8601/],
    ['endDate=yesterday', 'endDate', /ISO 8601/],
    ['startDate=2026-03-01T10:00:00', 'startDate', /ISO 8601/],
    ['startDate=2026-03-10&endDate=2026-03-01', 'endDate', /before startDate/],
    ['sort=UP', 'sort', /./],
    ['sort=asc', 'sort', /./],
    ['by=title', 'by', /./],
    ['limit=0', 'limit', /./],
    ['limit=-1', 'limit', /./],
    ['limit=501', 'limit', /./],
    ['limit=1.5', 'limit', /./],
    ['limit=abc', 'limit', /./],
    ['limit=99999999999999999999', 'limit', /./],
    ['flowId=%2Fetc', 'flowId', /./],
    [`q=${'x'.repeat(1001)}`, 'q', /./],
    ['cursor=%25%25%25', 'cursor', /malformed/],
    ['cursor=bm90IGpzb24', 'cursor', /malformed/],
    [`cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'cursor', /malformed/],
    [`cursor=${Buffer.from('["sessions:updated:DESC","x",1]').toString('base64url')}`, 'cursor', /malformed/],
    [`cursor=${'A'.repeat(2001)}`, 'cursor', /./],
  ];
  for (const [query, field, message] of bad) {
    it(`400 naming ${field} for ${query.slice(0, 60)}`, async () => {
      const res = await getJson<{ statusCode: number; message: string }>(server, `/api/v1/sessions?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
      expect(res.body.message).toMatch(message);
    });
  }

  it('400 for a cursor from another sort order', async () => {
    const page = await listSessions(server, { limit: 1, sort: 'DESC' });
    const res = await getJson<{ message: string }>(
      server,
      `/api/v1/sessions?limit=1&sort=ASC&cursor=${page.nextCursor}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/cursor.*another list or sort/);
  });

  it('GET /api/v1/sessions/count counts what the list matches, exactly', async () => {
    const filters: Array<Record<string, string>> = [
      {},
      { flowId: 'alpha' },
      { startDate: '2026-03-01', endDate: '2026-03-08' },
      { q: 'range' },
      { q: 'nothing-matches-this' },
    ];
    for (const filter of filters) {
      const count = await getJson<{ total: number }>(
        server,
        `/api/v1/sessions/count?${new URLSearchParams(filter)}`,
      );
      const all = await listAll(server, filter);
      expect({ filter, ...count }).toEqual({ filter, status: 200, body: { total: all.length } });
    }
  });

  for (const [query, field] of [
    ['startDate=2026-13-01', 'startDate'],
    ['startDate=2026-03-10&endDate=2026-03-01', 'endDate'],
    ['flowId=%2Fetc', 'flowId'],
    [`q=${'x'.repeat(1001)}`, 'q'],
  ] as const) {
    it(`count: 400 naming ${field} for ${query.slice(0, 50)}`, async () => {
      const res = await getJson<{ message: string }>(server, `/api/v1/sessions/count?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    });
  }

  it('401 without the key', async () => {
    const res = await fetch(`${server.url}/api/v1/sessions`);
    expect(res.status).toBe(401);
  });
});
