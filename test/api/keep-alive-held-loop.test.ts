/**
 * The race behind memory-all-bounded's ECONNRESET (docs/PLATFORMS.md): the test server
 * and its client share this event loop; a test that holds the loop past the server's
 * keep-alive time right after a response leaves the client (undici) thinking the
 * connection fresh while the server closes it at the next timer turn, so the next request
 * goes out on a closing connection. The tests' client (helpers/fetch-retry.ts) sends such
 * a GET again. What is checked is the client, the same on both stores: SQLite only.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { onPostgres } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';

// Undici keeps no connection whose advertised keep-alive is under about 3 s.
const KEEP_ALIVE_MS = 3_000;
let server: TestServer | undefined;

beforeAll(async () => {
  if (!onPostgres()) server = await startTestServer({ limits: { keepAliveMs: KEEP_ALIVE_MS } });
});
afterAll(() => server?.close());

it.skipIf(onPostgres())(
  'a GET right after the loop was held past the keep-alive time, on the connection kept alive, is answered',
  async () => {
    const { request } = server as TestServer;
    expect((await request('/api/v1/health')).status).toBe(200);
    // Held as a test checking large pages holds it, on a busy machine.
    const until = Date.now() + KEEP_ALIVE_MS + 1_000;
    while (Date.now() < until);
    // A timer turn, as vitest takes between two tests: the server's keep-alive timer fires first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await request('/api/v1/health')).status).toBe(200);
  },
);
