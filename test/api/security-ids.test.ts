/**
 * SPEC 1 and 7: ids and search text are data, never paths or syntax. Traversal and
 * encoded slashes in flow ids are refused; in session ids (which may hold any printable
 * text) they are literal ids that round-trip and reach no other conversation. SQL and
 * FTS5 metacharacters in every id, in content and in search are stored, found and
 * matched literally. Prototype-poisoning keys are refused. The web UI's static files
 * serve nothing outside their folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnemo } from '../../src/main/core';
import { checkProperty } from '../helpers/fuzz-check';
import { discoverRoutes, percentEncode, sendRaw } from '../helpers/fuzz-http';
import { integrityCheck, rawRows } from '../helpers/raw-store';
import { startTestServer, type TestServer } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function call(pathAndQuery: string, init: { method?: string; json?: unknown } = {}) {
  const res = await sendRaw({
    port: server.port,
    method: init.method ?? 'GET',
    path: pathAndQuery,
    headers: {
      authorization: `Bearer ${server.mnemo.apiKey()}`,
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  return { status: res.status, text: res.body, json: () => JSON.parse(res.body) as Record<string, unknown> };
}

const add = (conversationId: string, content: string, blockId = 'default') =>
  call('/api/memory', { method: 'POST', json: { conversationId, role: 'user', content, blockId } });

interface FlowiseMessage {
  content: string;
  sessionId: string;
}

async function flowiseMessages(flowId: string, sessionId: string): Promise<FlowiseMessage[]> {
  const res = await call(`/api/v1/chatmessage/${flowId}?sessionId=${percentEncode(sessionId)}`);
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as FlowiseMessage[];
}

describe('traversal and encoded slashes in flow ids are refused', () => {
  const hostile = [
    '..',
    '.',
    '%2e%2e',
    '%2E%2E%2F',
    '..%2f..%2fetc%2fpasswd',
    'a%2Fb',
    '..%5c..%5cwindows',
    '%00',
    'default%00',
  ];

  it('400 on every route with a flow id in its path, never another flow or a file', async () => {
    const routes = (await discoverRoutes(server)).filter((r) => /:(flowId|id)\b/.test(r.path));
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      for (const id of hostile) {
        const pathAndQuery = route.path.replace(/:(flowId|id)\b/, id).replace(':sessionId', 's');
        const res = await sendRaw({
          port: server.port,
          method: route.method,
          path: pathAndQuery,
          headers: {
            authorization: `Bearer ${server.mnemo.apiKey()}`,
            ...(route.body ? { 'content-type': 'application/json' } : {}),
          },
          body: route.body ? JSON.stringify({ question: 'q', content: 'c', name: 'n' }) : undefined,
        });
        expect({ route: `${route.method} ${pathAndQuery}`, status: res.status }).toEqual({
          route: `${route.method} ${pathAndQuery}`,
          status: 400,
        });
        expect(res.body).not.toMatch(/root:|\[boot loader\]/);
      }
    }
  });

  it('refuses the same as a Sim blockId or a new chatflow id', async () => {
    for (const id of ['..', '../x', 'a/b', 'a\\b', '.hidden']) {
      expect((await add('s', 'c', id)).status).toBe(400);
      expect((await call('/api/v1/chatflows', { method: 'POST', json: { id, name: 'n' } })).status).toBe(400);
    }
  });
});

describe('traversal and slashes in session ids are literal ids', () => {
  const tricky = [
    '../../etc/passwd',
    '..',
    '.',
    '/',
    '//',
    'a/b',
    'a%2Fb',
    '%2e%2e',
    '..\\..\\x',
    '?x=1',
    '#frag',
    'a b',
    ' ',
    'a',
    'b',
    'etc',
    'passwd',
  ];

  beforeAll(async () => {
    for (const id of tricky) expect((await add(id, `content of [${id}]`)).status).toBe(200);
  });

  it('each reads back as itself, with only its own message, through every read route', async () => {
    for (const id of tricky) {
      const own = [`content of [${id}]`];
      const detail = await call(`/api/v1/sessions/default/${percentEncode(id)}`);
      expect({ id, status: detail.status }).toEqual({ id, status: 200 });
      const body = detail.json() as { sessionId: string; messages: Array<{ content: string }> };
      expect(body.sessionId).toBe(id);
      expect(body.messages.map((m) => m.content)).toEqual(own);
      expect((await flowiseMessages('default', id)).map((m) => m.content)).toEqual(own);
      const sim = (await call(`/api/memory?conversationId=${percentEncode(id)}`)).json() as {
        memories: Array<{ conversationId: string; data: Array<{ content: string }> }>;
      };
      expect(sim.memories.map((m) => [m.conversationId, m.data.map((d) => d.content)])).toEqual([[id, own]]);
    }
  });

  it('rename and delete address exactly the conversation named', async () => {
    const renamed = await call(`/api/v1/sessions/default/${percentEncode('a/b')}`, {
      method: 'PATCH',
      json: { title: 'renamed a/b' },
    });
    expect(renamed.status).toBe(200);
    const deleted = await call(`/api/v1/sessions/default/${percentEncode('../../etc/passwd')}?hard=true`, {
      method: 'DELETE',
    });
    expect(deleted.json()).toEqual({ count: 1 });
    expect((await call(`/api/v1/sessions/default/${percentEncode('../../etc/passwd')}`)).status).toBe(404);
    for (const id of ['a', 'b', 'etc', 'passwd', '..', '.', '/']) {
      const detail = (await call(`/api/v1/sessions/default/${percentEncode(id)}`)).json();
      expect(detail).toMatchObject({ sessionId: id, title: `content of [${id}]` });
    }
  });
});

describe('SQL and FTS5 metacharacters in every id, in content and in search', () => {
  const flows = ['a:b', 'x.y', 'a--b', 'A_b-c.d:e', 'select', 'ORDER'];
  const sessions = [
    "'; DROP TABLE messages; --",
    "1' OR '1'='1",
    '" OR ""="',
    '%',
    '_',
    '%_%',
    '*',
    'NEAR(a b)',
    'a AND b',
    'a OR b',
    'NOT a',
    '-a',
    '^a',
    'content:a',
    '"',
    '\\',
    '[x]',
    '{content}',
    ';',
  ];
  let stored = 0;

  beforeAll(async () => {
    for (const flow of flows) {
      for (const session of sessions) {
        const res = await add(session, `marker ${flow} ${session} end`, flow);
        expect(res.status).toBe(200);
        stored += 1;
      }
    }
  });

  it('every (flow, session) reads back exactly its own message: no wildcard, no injection', async () => {
    for (const flow of flows) {
      for (const session of sessions) {
        const messages = await flowiseMessages(flow, session);
        expect(messages.map((m) => [m.sessionId, m.content])).toEqual([
          [session, `marker ${flow} ${session} end`],
        ]);
      }
      const stats = (await call(`/api/v1/stats/${flow}`)).json();
      expect(stats).toMatchObject({ totalSessions: sessions.length });
    }
  });

  it('a search for the exact text finds that message, and no search is a syntax error', async () => {
    for (const session of sessions) {
      for (const q of [session, `marker a--b ${session} end`, `"${session}`, `${session})`, `(${session}`]) {
        const res = await call(`/api/v1/search?q=${percentEncode(q)}&limit=200`);
        expect({ q, status: res.status }).toEqual({ q, status: 200 });
        const list = await call(`/api/v1/sessions?q=${percentEncode(q)}&limit=500`);
        expect({ q, status: list.status }).toEqual({ q, status: 200 });
      }
      const hits = (
        await call(`/api/v1/search?q=${percentEncode(`marker a--b ${session} end`)}&limit=200`)
      ).json() as {
        items: Array<{ flowId: string; sessionId: string }>;
      };
      expect(hits.items).toContainEqual(expect.objectContaining({ flowId: 'a--b', sessionId: session }));
    }
  });

  it('searching metacharacter-laden terms finds what holds those terms (property)', async () => {
    const word = fc.stringMatching(/^[a-z]{3,8}$/);
    const decorated = fc
      .tuple(
        fc.constantFrom('', '"', '*', '^', '-', '(', ')', ':', "'", '%', '+', 'NEAR(', '{'),
        word,
        fc.constantFrom('', '"', '*', ')', ':', "'", '%', ','),
      )
      .map(([a, w, b]) => `${a}${w}${b}`);
    let n = 0;
    await checkProperty(
      fc.asyncProperty(fc.array(decorated, { minLength: 1, maxLength: 5 }), async (terms) => {
        n += 1;
        const text = `${terms.join(' ')} uniq${n}q`;
        expect((await add(`prop-${n}`, text, 'x.y')).status).toBe(200);
        const res = await call(`/api/v1/search?q=${percentEncode(text)}&flowId=x.y`);
        expect(res.status).toBe(200);
        const items = (res.json() as { items: Array<{ sessionId: string }> }).items;
        expect(items.map((i) => i.sessionId)).toEqual([`prop-${n}`]);
      }),
      { numRuns: 100 },
    );
  });

  it('left every table whole: the count matches what was stored, integrity_check ok', async () => {
    expect(await integrityCheck(server)).toBe('ok');
    const [row] = await rawRows(server, "SELECT count(*) AS n FROM messages WHERE content LIKE 'marker %'");
    expect(row?.n).toBe(stored);
  });
});

describe('prototype poisoning', () => {
  it('refuses __proto__ and constructor.prototype keys (400) and pollutes nothing', async () => {
    const bodies = [
      '{"conversationId":"p","role":"user","content":"x","__proto__":{"polluted":true}}',
      '{"conversationId":"p","role":"user","content":"x","meta":{"__proto__":{"polluted":true}}}',
      '{"conversationId":"p","role":"user","content":"x","constructor":{"prototype":{"polluted":true}}}',
    ];
    for (const body of bodies) {
      const res = await sendRaw({
        port: server.port,
        method: 'POST',
        path: '/api/memory',
        headers: { authorization: `Bearer ${server.mnemo.apiKey()}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
    }
    await call('/api/v1/sessions?__proto__[polluted]=1&constructor[prototype][polluted]=1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await call('/api/memory?conversationId=p')).json()).toMatchObject({ memories: [] });
  });
});

describe('the web UI’s static files', () => {
  it('serve nothing outside their folder, however the path is spelled', async () => {
    const tmp = tempDir();
    const webRoot = path.join(tmp.dir, 'renderer');
    fs.mkdirSync(webRoot);
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<div id="root"></div>');
    fs.writeFileSync(path.join(tmp.dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE-ROOT');
    const mnemo = await startMnemo(
      { host: '127.0.0.1', port: 0, dataDir: path.join(tmp.dir, 'data'), corsOrigins: [] },
      { env: {}, webRoot },
    );
    try {
      const port = mnemo.address.port;
      expect((await sendRaw({ port, method: 'GET', path: '/index.html' })).body).toContain('root');
      for (const p of [
        '/../secret.txt',
        '/..%2fsecret.txt',
        '/%2e%2e/secret.txt',
        '/%2e%2e%2fsecret.txt',
        '/..%5csecret.txt',
        '/assets/../../secret.txt',
        '/..%252fsecret.txt',
        '//secret.txt',
        `/${encodeURIComponent(path.join(tmp.dir, 'secret.txt'))}`,
        '/../data/mnemo.db',
        '/..%2fdata%2fapi-key',
      ]) {
        const res = await sendRaw({ port, method: 'GET', path: p });
        expect({ p, status: res.status < 500, leaked: res.body.includes('TOP-SECRET') }).toEqual({
          p,
          status: true,
          leaked: false,
        });
        expect(res.body).not.toContain(mnemo.apiKey());
        expect(res.body).not.toContain('SQLite format');
      }
    } finally {
      await mnemo.close();
      tmp.cleanup();
    }
  });
});
