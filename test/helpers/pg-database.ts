/**
 * The API suite on PostgreSQL: with MNEMO_TEST_DATABASE_URL set (a server where the
 * user may create databases; `.ci/run` starts a throwaway cluster), every test server
 * gets a database of its own, dropped when it closes.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new empty database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  if (!base) throw new Error('MNEMO_TEST_DATABASE_URL is not set');
  const name = `mnemo_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
