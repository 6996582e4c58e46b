/**
 * Vitest's global setup for the API suite on PostgreSQL (MNEMO_TEST_DATABASE_URL): one
 * database migrated once per run, the template every test server's database is copied
 * from (pg-database.ts), so no server migrates an empty database (the per-server cost
 * that made the suite take 18 minutes). Dropped when the run ends; nothing without the URL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPgStore } from '../../src/main/store/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database of this run; '' on SQLite. */
    mnemoPgTemplate: string;
  }
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const base = process.env.MNEMO_TEST_DATABASE_URL;
  project.provide('mnemoPgTemplate', '');
  if (!base) return undefined;
  const name = `mnemo_template_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openPgStore({ url: url.toString() });
  await store.close();
  project.provide('mnemoPgTemplate', name);
  return () => admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
