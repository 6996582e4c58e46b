/**
 * The OpenAPI document describes what the server does: a maintained validator accepts
 * it; every operation is named and documents its errors with their bodies; the streamed
 * prediction is text/event-stream; `servers` names this server; the constraints of the
 * parameters refuse what the server refuses. (Every API test's answers are checked
 * against this document when its server closes: test/helpers/openapi-answers.ts.)
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswers } from '../helpers/openapi-answers';
import { startTestServer, type TestServer } from '../helpers/server';

// biome-ignore lint/suspicious/noExplicitAny: a parsed OpenAPI document, walked by path in assertions
type Json = Record<string, any>;

let server: TestServer;
let doc: Json;
beforeAll(async () => {
  server = await startTestServer();
  doc = await (await server.request('/api/v1/openapi.json')).json();
});
afterAll(() => server.close());

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = () =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json })),
  );

describe('the served document', () => {
  it('is valid OpenAPI (@seriousme/openapi-schema-validator)', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('names this server in servers', () => {
    expect(doc.servers).toEqual([{ url: server.url }]);
  });

  it('every operation has a unique operationId, Flowise and Sim ones included', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = (path: string, method: string) => doc.paths[path][method].operationId;
    expect(byRoute('/api/v1/chatmessage/{flowId}', 'get')).toBeTruthy();
    expect(byRoute('/api/memory', 'post')).toBeTruthy();
    expect(byRoute('/api/v1/public-chatbotConfig/{id}', 'get')).toBe('getPublicChatbotConfig');
  });

  it('every operation documents 400, 403 and a default error with the error body; keyed ones 401; Sim ones in Sim shape, /v1 ones in OpenAI shape', () => {
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      const responses = op.responses as Json;
      for (const status of ['400', '403', 'default']) {
        const schema = responses[status]?.content?.['application/json']?.schema;
        expect(schema, `${where} ${status}`).toBeDefined();
        const required = schema.required as string[];
        expect(required, where).toEqual(
          path.startsWith('/api/memory')
            ? ['success', 'error']
            : path.startsWith('/v1/')
              ? ['error']
              : ['statusCode', 'success', 'message'],
        );
      }
      const open = Array.isArray(op.security) && op.security.length === 0;
      expect(Boolean(responses['401']), `${where} 401`).toBe(!open);
      if (path.includes('{')) expect(responses['404'], `${where} 404`).toBeDefined();
    }
  });

  it('the streamed prediction is described as text/event-stream beside its JSON answer; the key is optional there (public flows)', () => {
    const op = doc.paths['/api/v1/prediction/{flowId}'].post;
    expect(Object.keys(op.responses['200'].content).sort()).toEqual([
      'application/json',
      'text/event-stream',
    ]);
    expect(op.responses['200'].content['text/event-stream'].schema.description).toMatch(/"event"/);
    expect(op.security).toEqual([{ bearer: [] }, {}]);
  });
});

describe('constraints in the document equal validation', () => {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  const parameter = (path: string, method: string, name: string) =>
    (doc.paths[path][method].parameters as Json[]).find((p) => p.name === name)?.schema;
  const requestBody = (path: string, method: string) =>
    doc.paths[path][method].requestBody.content['application/json'].schema;

  const cases: Array<{
    what: string;
    schema: () => Json;
    value: unknown;
    request: () => Promise<Response>;
  }> = [
    {
      what: 'an empty chatType',
      schema: () => parameter('/api/v1/chatmessage/{flowId}', 'get', 'chatType'),
      value: '',
      request: () => server.request('/api/v1/chatmessage/default?chatType='),
    },
    {
      what: 'a date that is not a date',
      schema: () => parameter('/api/v1/chatmessage/{flowId}', 'get', 'startDate'),
      value: 'yesterday',
      request: () => server.request('/api/v1/chatmessage/default?startDate=yesterday'),
    },
    {
      what: 'a session list cursor with characters no cursor has',
      schema: () => parameter('/api/v1/sessions', 'get', 'cursor'),
      value: 'not a cursor!',
      request: () => server.request('/api/v1/sessions?cursor=not%20a%20cursor!'),
    },
    {
      what: 'a blank question',
      schema: () => requestBody('/api/v1/prediction/{flowId}', 'post'),
      value: { question: '   ' },
      request: () =>
        server.request('/api/v1/prediction/default', { method: 'POST', json: { question: '   ' } }),
    },
    {
      what: 'a control character in a sessionId path',
      schema: () => parameter('/api/v1/sessions/{flowId}/{sessionId}', 'get', 'sessionId'),
      value: 'a\u0001b',
      request: () => server.request('/api/v1/sessions/default/a%01b'),
    },
  ];

  for (const c of cases) {
    it(`${c.what}: the document refuses it and so does the server (400)`, async () => {
      const schema = c.schema();
      expect(schema).toBeDefined();
      expect(ajv.validate(schema, c.value)).toBe(false);
      expect((await c.request()).status).toBe(400);
    });
  }

  it('the same parameters accept what the server accepts', () => {
    const ok = (schema: Json, value: unknown) => ajv.validate(schema, value);
    expect(ok(parameter('/api/v1/chatmessage/{flowId}', 'get', 'chatType'), '["EXTERNAL","INTERNAL"]')).toBe(
      true,
    );
    expect(ok(parameter('/api/v1/chatmessage/{flowId}', 'get', 'startDate'), '2026-11-01')).toBe(true);
    expect(
      ok(parameter('/api/v1/chatmessage/{flowId}', 'get', 'startDate'), '2026-11-01T10:00:00+02:00'),
    ).toBe(true);
    expect(ok(requestBody('/api/v1/prediction/{flowId}', 'post'), { question: 'hi' })).toBe(true);
  });

  it('DELETE /api/memory without a filter: 400, and the operation says a filter is needed (OpenAPI cannot tie parameters together)', async () => {
    const res = await server.request('/api/memory', { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, error: expect.any(String) });
    const op = doc.paths['/api/memory'].delete;
    expect(`${op.summary} ${op.description ?? ''}`).toMatch(/at least one/i);
  });
});

describe('methods', () => {
  it('a wrong method on a served path answers 405 with Allow, not 404; an unknown path stays 404', async () => {
    const res = await server.request('/api/v1/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.json()).toMatchObject({
      statusCode: 405,
      success: false,
      message: expect.stringMatching(/GET/),
    });
    const withParams = await server.request('/api/v1/sessions/default/some-session', {
      method: 'PUT',
      json: {},
    });
    expect(withParams.status).toBe(405);
    expect(withParams.headers.get('allow')?.split(', ')).toEqual(
      expect.arrayContaining(['DELETE', 'GET', 'PATCH']),
    );
    const sim = await server.request('/api/memory/all', { method: 'POST', json: {} });
    expect(sim.status).toBe(405);
    expect(await sim.json()).toMatchObject({ success: false, error: expect.any(String) });
    expect((await server.request('/api/v1/nothing-here', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('the answer checker the API tests run on close', () => {
  it('reports an undocumented status, an undocumented content type and a body that does not match', () => {
    const answer = (status: number, contentType: string, body: string) => ({
      method: 'GET',
      target: '/api/v1/health',
      status,
      contentType,
      body,
      cut: false,
    });
    expect(
      checkAnswers(doc, [answer(200, 'application/json', '{"status":"ok","version":"1","schemaVersion":1}')]),
    ).toEqual([]);
    const problems = checkAnswers(doc, [
      answer(200, 'application/json', '{"status":42}'),
      answer(200, 'text/html', '<p>hi</p>'),
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/body does not match/);
    expect(problems[1]).toMatch(/content type "text\/html" not documented/);
  });
});
