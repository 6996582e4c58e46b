/**
 * The API suite on PostgreSQL: with MNEMO_TEST_DATABASE_URL set (a server where the
 * user may create databases; `npm run test:pg` starts a throwaway cluster), every test
 * server gets a database of its own, dropped when it closes: a copy of the run's migrated
 * template (pg-template.ts), or an empty one for tests of migrating itself.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export const testDatabaseUrl = (): string | undefined => process.env.MNEMO_TEST_DATABASE_URL || undefined;

/** Whether this run's stores are on PostgreSQL (a file that cannot apply says why and skips). */
export const onPostgres = (): boolean => testDatabaseUrl() !== undefined;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** PostgreSQL 15's FILE_COPY copies a small template several times faster than its default (WAL_LOG). */
let copyStrategy: Promise<string> | undefined;
const strategy = () =>
  (copyStrategy ??= admin(async (client) => {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    return Number(rows[0]?.v) >= 150000 ? 'STRATEGY FILE_COPY' : '';
  }));

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new database on the test server: migrated (a copy of the run's template), or `empty`. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  if (!base) throw new Error('MNEMO_TEST_DATABASE_URL is not set');
  const name = `mnemo_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? '' : inject('mnemoPgTemplate');
  const from = template ? `TEMPLATE ${template} ${await strategy()}` : '';
  await admin((client) => client.query(`CREATE DATABASE ${name} ${from}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
