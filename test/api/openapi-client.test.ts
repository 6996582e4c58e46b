/**
 * A typed client generated from the served document (openapi-typescript) type-checks a
 * small script using it with openapi-fetch, and refuses a script that gets the API wrong;
 * the script's calls then run against the server.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { onPostgres } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const TSC = path.resolve('node_modules/typescript/bin/tsc');
const OPENAPI_FETCH = path.resolve('node_modules/openapi-fetch');

let server: TestServer;
const tmp = tempDir();
beforeAll(async () => {
  server = await startTestServer();
  const doc = await (await server.request('/api/v1/openapi.json')).json();
  fs.writeFileSync(path.join(tmp.dir, 'mnemo-api.d.ts'), astToString(await openapiTS(doc)));
  fs.writeFileSync(
    path.join(tmp.dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'DOM'],
        types: [],
        skipLibCheck: true,
        paths: { 'openapi-fetch': [OPENAPI_FETCH] },
      },
      files: ['script.ts'],
    }),
  );
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

const SCRIPT = `
import createClient from 'openapi-fetch';
import type { paths } from './mnemo-api';

export async function main(baseUrl: string, key: string) {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${key}\` } });
  const answer = await client.POST('/api/v1/prediction/{flowId}', {
    params: { path: { flowId: 'default' } },
    body: { question: 'typed hello', overrideConfig: { sessionId: 'typed-session' } },
  });
  if (answer.error) throw new Error(answer.error.message);
  // Without streaming: true the answer is JSON; the document also names the event stream.
  if (typeof answer.data === 'string') throw new Error('expected the JSON answer');
  const text: string = answer.data.text;
  const list = await client.GET('/api/v1/sessions', { params: { query: { flowId: 'default', limit: 10 } } });
  if (list.error) throw new Error(list.error.message);
  const titles: string[] = list.data.items.map((s) => s.title);
  const memory = await client.GET('/api/memory', { params: { query: { conversationId: 'typed-session' } } });
  const simError: string | undefined = memory.error?.error;
  return { text, titles, simError };
}
`;

async function typecheck(source: string): Promise<{ ok: boolean; output: string }> {
  fs.writeFileSync(path.join(tmp.dir, 'script.ts'), source);
  try {
    await run(process.execPath, [TSC, '-p', path.join(tmp.dir, 'tsconfig.json')]);
    return { ok: true, output: '' };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

// Not on PostgreSQL: the types come from the same OpenAPI document on either store, and
// type-checking a script (the compiler, 15 s of CI) never reaches the store.
it.skipIf(onPostgres())(
  'a script using the generated types type-checks',
  async () => {
    const result = await typecheck(SCRIPT);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  },
  120_000,
);

it.skipIf(onPostgres())(
  'a script that gets the API wrong does not (a missing question, a wrong answer field, an unknown path)',
  async () => {
    const wrong = SCRIPT.replace("body: { question: 'typed hello',", 'body: {')
      .replace('answer.data.text', 'answer.data.answerText')
      .replace("client.GET('/api/v1/sessions'", "client.GET('/api/v1/session'");
    const result = await typecheck(wrong);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/question/);
    expect(result.output).toMatch(/answerText/);
    expect(result.output).toMatch(/\/api\/v1\/session/);
  },
  120_000,
);

it('the same calls, through openapi-fetch, against the server', async () => {
  const { default: createClient } = await import('openapi-fetch');
  const client = createClient({ baseUrl: server.url, headers: { Authorization: `Bearer ${server.key}` } });
  const answer = await client.POST(
    '/api/v1/prediction/{flowId}' as never,
    {
      params: { path: { flowId: 'default' } },
      body: { question: 'typed hello', overrideConfig: { sessionId: 'typed-session' } },
    } as never,
  );
  expect((answer.data as unknown as { text: string }).text).toContain('typed hello');
});
