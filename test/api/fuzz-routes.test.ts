/**
 * SPEC 3 and 8: bad input of any shape gets a 4xx with a clear JSON message, never a
 * 5xx and never a crash. Generated requests (fast-check) go to every route the server's
 * OpenAPI document lists: hostile path ids, query strings and JSON bodies.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { anyJson, bodyValue, queryValue, weirdString } from '../helpers/fuzz-arbitraries';
import { checkProperty } from '../helpers/fuzz-check';
import {
  discoverRoutes,
  errorShapeProblem,
  type FuzzResponse,
  percentEncode,
  type RouteSpec,
  rawPathEncode,
  sendRaw,
} from '../helpers/fuzz-http';
import { integrityCheck } from '../helpers/raw-store';
import { startTestServer } from '../helpers/server';

/** Generated requests per route; about 40 routes, so a few thousand requests in all. */
// MNEMO_FUZZ_SCALE multiplies the runs, for a longer hunt than npm test affords.
const RUNS_PER_ROUTE = 100 * Number(process.env.MNEMO_FUZZ_SCALE ?? 1);

const server = await startTestServer();
const routes = await discoverRoutes(server);
const statuses = new Map<number, number>();
let requests = 0;

afterAll(async () => {
  console.log(
    `fuzz: ${requests} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
  );
  await server.close();
});

interface Generated {
  params: Record<string, { value: string; raw: boolean }>;
  query: Array<[string, string]>;
  rawQuery: string | undefined;
  body: { kind: 'json'; value: unknown } | { kind: 'text'; text: string } | undefined;
}

function requestArbitrary(route: RouteSpec): fc.Arbitrary<Generated> {
  const params = fc.record(
    Object.fromEntries(
      route.params.map((name) => [name, fc.record({ value: queryValue(name), raw: fc.boolean() })]),
    ),
  ) as fc.Arbitrary<Generated['params']>;
  const knownQuery = route.query.map((name) => fc.tuple(fc.constant(name), queryValue(name)));
  const queryPair = knownQuery.length
    ? fc.oneof(
        { weight: 4, arbitrary: fc.oneof(...knownQuery) },
        { weight: 1, arbitrary: fc.tuple(weirdString, weirdString) },
      )
    : fc.tuple(weirdString, weirdString);
  const query = fc.array(queryPair, { maxLength: 5 });
  const rawQuery = fc.option(
    fc.constantFrom('%', '%FF', '%E0%A4%A', 'a=%ZZ', '&&=&', 'a[b]=c', 'limit[]=1', '=', '?', 'a=1&a=2'),
    { freq: 8 },
  );
  const jsonBody =
    route.body && route.body.length > 0
      ? fc.oneof(
          {
            weight: 4,
            arbitrary: fc.record(Object.fromEntries(route.body.map((name) => [name, bodyValue(name)])), {
              requiredKeys: [],
            }),
          },
          { weight: 1, arbitrary: anyJson },
        )
      : anyJson;
  const body =
    route.body !== undefined
      ? fc.oneof(
          { weight: 8, arbitrary: jsonBody.map((value) => ({ kind: 'json' as const, value })) },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom('', '{', '{"a":', 'null', '[', '\u0000', '{"question":"x"}garbage', '"\\ud800"')
              .map((text) => ({ kind: 'text' as const, text })),
          },
          { weight: 1, arbitrary: deepBody(route.body) },
        )
      : fc.constant(undefined);
  return fc.record({ params, query, rawQuery, body }) as fc.Arbitrary<Generated>;
}

/** One key of the body (or an unknown one) holding arrays or objects nested far deeper than any client sends. */
function deepBody(keys: string[]) {
  return fc
    .record({
      key: fc.constantFrom(...keys, 'extra'),
      depth: fc.constantFrom(40, 1_000, 20_000),
      shape: fc.constantFrom('array', 'object'),
    })
    .map(({ key, depth, shape }) => {
      const [open, close] = shape === 'array' ? ['[', ']'] : ['{"a":', '}'];
      const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
      return {
        kind: 'text' as const,
        text: `{${JSON.stringify(key)}:${nested},"conversationId":"deep","role":"user","content":"x","question":"x"}`,
      };
    });
}

function pathOf(route: RouteSpec, generated: Generated): string {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const param = generated.params[name];
    if (!param) return 'x';
    // An empty segment would match another route (or none): the router's business, not ours.
    const value = param.value === '' ? 'x' : param.value;
    return param.raw ? rawPathEncode(value) : percentEncode(value);
  });
  const parts = generated.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`);
  if (generated.rawQuery) parts.push(generated.rawQuery);
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

async function send(route: RouteSpec, generated: Generated): Promise<FuzzResponse> {
  const path = pathOf(route, generated);
  const headers: Record<string, string> = { authorization: `Bearer ${server.mnemo.apiKey()}` };
  let body: string | undefined;
  if (generated.body) {
    headers['content-type'] = 'application/json';
    body = generated.body.kind === 'json' ? JSON.stringify(generated.body.value) : generated.body.text;
  }
  const response = await sendRaw({ port: server.port, method: route.method, path, headers, body });
  requests += 1;
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  return response;
}

describe('fuzzing every route', () => {
  it('discovers the routes of every surface from the OpenAPI document', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /api/v1/sessions',
        'POST /api/v1/sessions/:flowId/:sessionId/messages',
        'GET /api/v1/chatmessage/:flowId',
        'DELETE /api/v1/chatmessage/:flowId',
        'POST /api/v1/prediction/:flowId',
        'POST /api/memory',
        'DELETE /api/memory',
        'GET /api/v1/search',
        'GET /api/v1/events',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(35);
  });

  for (const route of routes) {
    it(`${route.method} ${route.path}: never a 5xx, every error in the JSON shape`, async () => {
      await checkProperty(
        fc.asyncProperty(requestArbitrary(route), async (generated) => {
          const response = await send(route, generated);
          const where = `${route.method} ${pathOf(route, generated).slice(0, 200)} → ${response.status}`;
          expect(response.status, `${where}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
          expect(errorShapeProblem(route.path, response), where).toBeUndefined();
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    });
  }

  it('leaves a server that still answers and a database that passes integrity_check', async () => {
    expect((await server.request('/api/v1/health')).status).toBe(200);
    expect(await integrityCheck(server)).toBe('ok');
  });
});
