/**
 * SPEC 1, 3 and 8: what the server accepts, it stores and reads back exactly; what it
 * refuses gets a 400 naming the field and stores nothing. Generated ids and texts
 * (unicode of every kind, NUL, lone surrogates, huge and empty strings) go in through
 * each surface that writes (Sim add, Flowise prediction, the window's continue, flow
 * names, renames) and are read back through the routes that show them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyJson, hugeString, loneSurrogate, weirdString } from '../helpers/fuzz-arbitraries';
import { checkProperty } from '../helpers/fuzz-check';
import { percentEncode, sendRaw } from '../helpers/fuzz-http';
import { integrityCheck } from '../helpers/raw-store';
import { startTestServer, type TestServer } from '../helpers/server';

// MNEMO_FUZZ_SCALE multiplies the runs, for a longer hunt than npm test affords.
const RUNS = 300 * Number(process.env.MNEMO_FUZZ_SCALE ?? 1);

let server: TestServer;
let requests = 0;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  console.log(`fuzz round-trip: ${requests} requests`);
  await server.close();
});

// The rules, as SPEC section 1 states them (the oracle; the server has its own code for them).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what SPEC 1 forbids in ids
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE = /\p{Cs}/u;
const validSessionId = (s: string) => s.length >= 1 && s.length <= 255 && !CONTROL.test(s) && !LONE.test(s);
const validContent = (s: string) => s.length >= 1 && Buffer.byteLength(s) <= 1024 * 1024 && !LONE.test(s);
const validQuestion = (s: string) => validContent(s) && s.trim() !== '';
const validName = (s: string) => s.trim().length >= 1 && s.trim().length <= 200 && !LONE.test(s);

const ids = fc.oneof(
  { weight: 4, arbitrary: weirdString },
  {
    weight: 1,
    arbitrary: fc.constantFrom('x'.repeat(255), 'x'.repeat(256), '中'.repeat(255), '😀'.repeat(127)),
  },
);
const texts = fc.oneof({ weight: 20, arbitrary: weirdString }, { weight: 1, arbitrary: hugeString });

async function call(path: string, init: { method?: string; json?: unknown } = {}) {
  requests += 1;
  const response = await sendRaw({
    port: server.port,
    method: init.method ?? 'GET',
    path,
    headers: {
      authorization: `Bearer ${server.key}`,
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    body = response.body;
  }
  return { status: response.status, body: body as Record<string, unknown> };
}

const query = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${percentEncode(v)}`)
    .join('&');

interface MemoryAnswer {
  memories: Array<{ conversationId: string; blockId: string; data: Array<Record<string, unknown>> }>;
}

async function memoryOf(conversationId: string, blockId: string) {
  const res = await call(`/api/memory?${query({ conversationId, blockId })}`);
  expect(res.status).toBe(200);
  return (res.body as unknown as MemoryAnswer).memories[0]?.data ?? [];
}

const RESERVED = new Set(['conversationId', 'id', 'role', 'content', 'blockId', 'blockName']);
const extras = fc.dictionary(
  weirdString.filter((k) => !RESERVED.has(k)),
  anyJson,
  { maxKeys: 3 },
);

/** A body Fastify's JSON parser refuses as prototype poisoning: a __proto__ key, or constructor.prototype. */
function poisoned(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(
    ([key, v]) =>
      key === '__proto__' ||
      (key === 'constructor' && typeof v === 'object' && v !== null && 'prototype' in v) ||
      poisoned(v),
  );
}

const BODY_LIMIT = 2 * 1024 * 1024;
const tooLarge = (body: unknown) => Buffer.byteLength(JSON.stringify(body)) > BODY_LIMIT;

describe('what is stored reads back equal; what is refused stores nothing', () => {
  it('Sim add → Sim get: id, role, content and extra keys', async () => {
    const roles = fc.oneof(
      fc.constantFrom('user', 'assistant', 'system'),
      fc.constantFrom('tool', 'USER', ''),
    );
    const blocks = fc.constantFrom('default', 'rt-block', 'a:b.c-d_E');
    await checkProperty(
      fc.asyncProperty(
        fc.record({ conversationId: ids, role: roles, content: texts, blockId: blocks, extra: extras }),
        async ({ conversationId, role, content, blockId, extra }) => {
          const valid = validSessionId(conversationId) && validContent(content);
          const roleValid = ['user', 'assistant', 'system'].includes(role);
          const before = validSessionId(conversationId)
            ? (await memoryOf(conversationId, blockId)).length
            : 0;
          const body = { ...extra, conversationId, role, content, blockId };
          const res = await call('/api/memory', { method: 'POST', json: body });
          if (tooLarge(body) || poisoned(extra)) {
            expect(res.status).toBe(tooLarge(body) ? 413 : 400);
            if (validSessionId(conversationId))
              expect(await memoryOf(conversationId, blockId)).toHaveLength(before);
            return;
          }
          if (!(valid && roleValid)) {
            expect(res.status).toBe(400);
            expect(res.body.success).toBe(false);
            expect(String(res.body.error)).toMatch(/conversationId|content|role|body/);
            if (validSessionId(conversationId))
              expect(await memoryOf(conversationId, blockId)).toHaveLength(before);
            return;
          }
          expect(res.status).toBe(200);
          const data = await memoryOf(conversationId, blockId);
          expect(data).toHaveLength(before + 1);
          expect(data.at(-1)).toEqual(JSON.parse(JSON.stringify({ ...extra, role, content })));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('Flowise prediction → chat messages: the question, the answer and the session', async () => {
    const sessionIn = fc.constantFrom('overrideConfig', 'chatId');
    await checkProperty(
      fc.asyncProperty(
        fc.record({ question: texts, sessionId: ids, via: sessionIn }),
        async ({ question, sessionId, via }) => {
          const body =
            via === 'chatId' ? { question, chatId: sessionId } : { question, overrideConfig: { sessionId } };
          const res = await call('/api/v1/prediction/default', { method: 'POST', json: body });
          if (tooLarge(body)) {
            expect(res.status).toBe(413);
            return;
          }
          if (!(validQuestion(question) && validSessionId(sessionId))) {
            expect(res.status).toBe(400);
            expect(String(res.body.message)).toMatch(/question|sessionId|chatId/);
            return;
          }
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ question, sessionId, chatId: sessionId });
          const read = await call(
            `/api/v1/chatmessage/default?${query({ sessionId, order: 'DESC', limit: '2' })}`,
          );
          expect(read.status).toBe(200);
          const [answer, asked] = read.body as unknown as Array<Record<string, unknown>>;
          expect(asked).toMatchObject({
            role: 'userMessage',
            content: question,
            sessionId,
            chatId: sessionId,
          });
          expect(answer).toMatchObject({
            role: 'apiMessage',
            content: res.body.text,
            id: res.body.chatMessageId,
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the window’s continue → the session detail, ids in the path included', async () => {
    await checkProperty(
      fc.asyncProperty(fc.record({ sessionId: ids, content: texts }), async ({ sessionId, content }) => {
        const path = `/api/v1/sessions/default/${percentEncode(sessionId)}`;
        const res = await call(`${path}/messages`, { method: 'POST', json: { content } });
        if (!validSessionId(sessionId)) {
          // The path is refused before the body is read. 404: an empty id leaves no segment for
          // the route; 414/431: an id far over 255 characters overflows a segment or the request line.
          // A path the router can read goes on to the body, so a too-large one is 413 first.
          const allowed = [
            400,
            414,
            431,
            ...(sessionId === '' ? [404] : []),
            ...(tooLarge({ content }) ? [413] : []),
          ];
          expect(allowed).toContain(res.status);
          if (res.status !== 404 && res.status !== 413) {
            expect(String(res.body.message)).toMatch(/sessionId|path|request line/);
          }
          return;
        }
        if (tooLarge({ content }) || !validContent(content)) {
          expect(res.status).toBe(tooLarge({ content }) ? 413 : 400);
          if (res.status === 400) expect(String(res.body.message)).toMatch(/content/);
          return;
        }
        expect(res.status).toBe(200);
        const detail = await call(`${path}?limit=1000`);
        expect(detail.status).toBe(200);
        expect(detail.body.sessionId).toBe(sessionId);
        const messages = detail.body.messages as Array<{ role: string; content: string; chatType: string }>;
        expect(messages.slice(-2)).toEqual([
          expect.objectContaining({ role: 'user', content, chatType: 'INTERNAL' }),
          expect.objectContaining({
            role: 'assistant',
            content: (res.body.answer as { content: string }).content,
          }),
        ]);
      }),
      { numRuns: RUNS },
    );
  });

  it('flow names and conversation titles (trimmed, as the schema says)', async () => {
    await call('/api/memory', {
      method: 'POST',
      json: { conversationId: 'to-rename', role: 'user', content: 'x' },
    });
    let n = 0;
    await checkProperty(
      fc.asyncProperty(weirdString, async (name) => {
        n += 1;
        const created = await call('/api/v1/flows', { method: 'POST', json: { id: `rt-flow-${n}`, name } });
        const renamed = await call('/api/v1/sessions/default/to-rename', {
          method: 'PATCH',
          json: { title: name },
        });
        if (!validName(name)) {
          expect(created.status).toBe(400);
          expect(String(created.body.message)).toMatch(/name/);
          expect(renamed.status).toBe(400);
          expect(String(renamed.body.message)).toMatch(/title/);
          return;
        }
        expect(created.status).toBe(200);
        const flow = await call(`/api/v1/chatflows/rt-flow-${n}`);
        expect(flow.body.name).toBe(name.trim());
        expect(renamed.status).toBe(200);
        const session = await call('/api/v1/sessions/default/to-rename?limit=1');
        expect(session.body.title).toBe(name.trim());
      }),
      { numRuns: RUNS },
    );
  });

  it('two ids that differ only in a lone surrogate never share a conversation (both refused)', async () => {
    await checkProperty(
      fc.asyncProperty(fc.tuple(loneSurrogate, loneSurrogate), async ([a, b]) => {
        for (const s of [a, b]) {
          const res = await call('/api/memory', {
            method: 'POST',
            json: { conversationId: `id${s}`, role: 'user', content: 'c' },
          });
          expect(res.status).toBe(400);
          expect(String(res.body.error)).toMatch(/conversationId.*surrogate/);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('leaves a database that passes integrity_check', async () => {
    expect(await integrityCheck(server)).toBe('ok');
  });
});
