/**
 * Issue 17: `npm run serve` (and the MCP entry, which opens the store the same way) with a
 * `--database-url` it cannot use exits non-zero with one line naming the problem: never
 * the password, never a stack. The cases that need a server (a wrong password, a missing
 * database) use the run's test cluster (MNEMO_TEST_DATABASE_URL).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres, testDatabaseUrl } from '../helpers/pg-database';
import { SERVE, serveBuilt } from '../helpers/serve-process';
import { tempDir } from '../helpers/tmp';

const MCP = path.join(path.dirname(SERVE), 'mcp.js');
const PASSWORD = 'pw-s3cret-never-shown';
const tmp = tempDir('mnemo-dburl-');
afterAll(() => tmp.cleanup());

function run(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [entry, '--data-dir', path.join(tmp.dir, 'data'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  // Should it start after all, the MCP entry ends when its stdin does.
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

/** One line, the entry's prefix and `expected`, non-zero, no password and no stack. */
async function expectRefused(
  url: string,
  expected: RegExp,
  options: { entry?: string; viaEnv?: boolean } = {},
): Promise<void> {
  const entry = options.entry ?? SERVE;
  const portArgs = entry === SERVE ? ['--port', '0'] : [];
  const { code, output } = options.viaEnv
    ? await run(entry, portArgs, { MNEMO_DATABASE_URL: url })
    : await run(entry, [...portArgs, '--database-url', url]);
  const prefix = entry === SERVE ? 'Mnemo could not start: ' : 'Mnemo MCP could not start: ';
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  const lines = output.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]?.startsWith(prefix), output).toBe(true);
  expect(lines[0]?.slice(prefix.length)).toMatch(expected);
  expect(output).not.toContain(PASSWORD);
  expect(output).not.toMatch(/\n\s+at /);
}

/** A port on this machine nothing listens on (bound, then let go). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The test cluster's URL for `user` with `password`, and database `database`. */
function clusterUrl(user: string, password: string, database: string): string {
  const url = new URL(testDatabaseUrl() as string);
  url.username = user;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

describe.skipIf(!serveBuilt())('a --database-url serve cannot use', () => {
  it('not a PostgreSQL URL: names the option', async () => {
    await expectRefused(
      `mysql://mnemo:${PASSWORD}@db.example/mnemo`,
      /^--database-url must be a postgresql:\/\/ URL$/,
    );
    await expectRefused(
      `sqlite://mnemo:${PASSWORD}@x/y`,
      /^MNEMO_DATABASE_URL must be a postgresql:\/\/ URL$/,
      {
        viaEnv: true,
      },
    );
  });

  it('not a URL at all (an unencoded @ in the password): says so without repeating it', async () => {
    await expectRefused(`postgresql://mnemo:${PASSWORD}@x@[::1/db`, /^--database-url is not a valid URL \(/);
  });

  it('nothing listening at the host and port: connection refused, naming them', async () => {
    const port = await closedPort();
    await expectRefused(
      `postgresql://mnemo:${PASSWORD}@127.0.0.1:${port}/mnemo`,
      new RegExp(`^cannot reach the PostgreSQL server at 127\\.0\\.0\\.1:${port}: connection refused`),
    );
  });

  it('a host name that does not resolve: host not found', async () => {
    await expectRefused(
      `postgresql://mnemo:${PASSWORD}@no-such-host.invalid:5432/mnemo`,
      /^cannot reach the PostgreSQL server at no-such-host\.invalid:5432: host not found$/,
    );
  });

  it('the MCP entry says the same of the same URL', async () => {
    const port = await closedPort();
    await expectRefused(
      `postgresql://mnemo:${PASSWORD}@127.0.0.1:${port}/mnemo`,
      new RegExp(`^cannot reach the PostgreSQL server at 127\\.0\\.0\\.1:${port}: connection refused`),
      { entry: MCP },
    );
  });

  // These need a PostgreSQL server: the run's test cluster (none on SQLite).
  describe.skipIf(!onPostgres())('on the test cluster', () => {
    it('a database that does not exist: names it and how to create it', async () => {
      const url = clusterUrl(new URL(testDatabaseUrl() as string).username, PASSWORD, 'mnemo_no_such_db');
      await expectRefused(
        url,
        /^database "mnemo_no_such_db" does not exist on the PostgreSQL server at [^ ]+ \(create it first/,
      );
    });

    it('a wrong password: names the user, never the password', async (context) => {
      // scripts/pg-throwaway.sh asks this one user for its password (everyone else is trusted).
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      try {
        await admin
          .query(`CREATE ROLE mnemo_password LOGIN PASSWORD 'the-right-one'`)
          .catch((error: { code?: string }) => {
            if (error.code !== '42710') throw error; // already made by an earlier run on this cluster
          });
      } finally {
        await admin.end();
      }
      const wrong = new pg.Client({ connectionString: clusterUrl('mnemo_password', PASSWORD, 'postgres') });
      const trusted = await wrong.connect().then(
        () => true,
        () => false,
      );
      await wrong.end().catch(() => {});
      if (trusted)
        context.skip('this test server trusts mnemo_password whatever its password (not pg-throwaway.sh)');
      await expectRefused(
        clusterUrl('mnemo_password', PASSWORD, 'postgres'),
        /^PostgreSQL at [^ ]+ refused the password for user "mnemo_password"$/,
      );
    });
  });
});
