/**
 * What a test reads straight from a server's database, bypassing the API, on either
 * store: SQLite's file, or the PostgreSQL database of MNEMO_TEST_DATABASE_URL runs.
 * Queries are written once with `?` placeholders in SQL both databases understand;
 * text comes back as Mnemo stored it (PostgreSQL's escape of U+0000 undone).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DATABASE_FILE } from '../../src/main/store';
import { unescapeText } from '../../src/main/store/postgres/db';

export interface StoreLocation {
  dataDir: string;
  databaseUrl?: string;
}

async function onPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** Rows of a query; int8 as numbers, booleans as 0/1 (as SQLite gives them). */
export async function rawRows(
  where: StoreLocation,
  sql: string,
  params: unknown[] = [],
): Promise<Array<Record<string, unknown>>> {
  if (!where.databaseUrl) {
    const db = new Database(path.join(where.dataDir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  return onPg(where.databaseUrl, async (client) => {
    const result = await client.query({ text: numbered(sql), values: params });
    return result.rows.map((row: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      for (const field of result.fields) {
        const value = row[field.name];
        out[field.name] =
          value === null
            ? null
            : field.dataTypeID === 20
              ? Number(value)
              : typeof value === 'boolean'
                ? Number(value)
                : typeof value === 'string'
                  ? unescapeText(value)
                  : value;
      }
      return out;
    });
  });
}

/**
 * 'ok' when the database is whole: SQLite's integrity_check; on PostgreSQL, every
 * conversation's kept count matches its messages and no message lacks its conversation.
 */
export async function integrityCheck(where: StoreLocation): Promise<string> {
  if (!where.databaseUrl) {
    const db = new Database(path.join(where.dataDir, DATABASE_FILE), { readonly: true });
    try {
      return String(db.pragma('integrity_check', { simple: true }));
    } finally {
      db.close();
    }
  }
  const [wrongCounts] = await rawRows(
    where,
    `SELECT count(*) AS n FROM conversations c
     WHERE c.message_count <> (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)`,
  );
  const [orphans] = await rawRows(
    where,
    `SELECT count(*) AS n FROM message_terms t WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.seq = t.seq)`,
  );
  const problems = [
    wrongCounts?.n ? `${wrongCounts.n} conversations count their messages wrong` : '',
    orphans?.n ? `${orphans.n} index rows without a message` : '',
  ].filter(Boolean);
  return problems.length === 0 ? 'ok' : problems.join('; ');
}
