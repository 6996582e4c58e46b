import path from 'node:path';
import { type Mnemo, type StartOptions, startMnemo } from '../../src/main/core';
import { fetchRetryingClosed } from './fetch-retry';
import { checkAnswers, recordAnswers } from './openapi-answers';
import { createTestDatabase, onPostgres, type TestDatabase } from './pg-database';
import { tempDir } from './tmp';

export interface TestServer {
  mnemo: Mnemo;
  url: string;
  port: number;
  key: string;
  dataDir: string;
  /** The PostgreSQL database of its store; undefined on SQLite. */
  databaseUrl?: string;
  /** fetch against the server with the key (unless headers say otherwise). */
  request(pathAndQuery: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The OpenAPI document of this process's test servers. It depends on the routes alone (and
 * on `webRoot`, which no test server is given), so it is built once, by the first to close.
 */
let document: Record<string, unknown> | undefined;

/**
 * The real server on a free port, over a temp data dir; with MNEMO_TEST_DATABASE_URL, its
 * store is a new PostgreSQL database (or `databaseUrl`'s: a second server on the same data).
 */
export async function startTestServer(
  options: {
    env?: NodeJS.ProcessEnv;
    corsOrigins?: string[];
    secrets?: StartOptions['secrets'];
    databaseUrl?: string;
    limits?: StartOptions['limits'];
  } = {},
): Promise<TestServer> {
  const tmp = tempDir();
  const dataDir = path.join(tmp.dir, 'data');
  let database: TestDatabase | undefined;
  if (options.databaseUrl === undefined && onPostgres()) database = await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database?.url;
  const mnemo = await startMnemo(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      corsOrigins: options.corsOrigins ?? [],
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
    },
    { env: options.env ?? {}, secrets: options.secrets, limits: options.limits },
  ).catch(async (error) => {
    await database?.drop();
    throw error;
  });
  const url = mnemo.address.url;
  const answers = recordAnswers(mnemo.httpServer);
  return {
    mnemo,
    url,
    port: mnemo.address.port,
    key: mnemo.apiKey(),
    dataDir,
    request(pathAndQuery, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${mnemo.apiKey()}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetchRetryingClosed(url + pathAndQuery, { ...init, headers, body });
    },
    databaseUrl,
    /** Closes the server, then fails if any answer it gave is not as its OpenAPI document says. */
    async close() {
      const recorded = answers.splice(0);
      await mnemo.close();
      await database?.drop();
      tmp.cleanup();
      document ??= mnemo.openapi();
      const problems = checkAnswers(document, recorded);
      if (problems.length > 0) {
        throw new Error(`answers not as the OpenAPI document says:\n${problems.slice(0, 30).join('\n')}`);
      }
    },
  };
}
