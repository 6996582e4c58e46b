/**
 * The connection layer of the PostgreSQL store: a pool, named (prepared) statements,
 * transactions retried on deadlock, and the one reversible escape that lets PostgreSQL
 * `text` hold what Mnemo accepts: `text` refuses U+0000, which a message may contain.
 */
import pg from 'pg';

/**
 * U+0000 is stored as ESC '0' and ESC itself as ESC ESC (ESC = U+10FFFD, the last
 * private-use code point): every string parameter is escaped and every string column
 * read back unescaped, so round trips are exact whatever the text.
 */
const ESC = '\u{10FFFD}';
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what this escapes
const TO_ESCAPE = /\u{10FFFD}|\u0000/gu;
const ESCAPED = /\u{10FFFD}(\u{10FFFD}|0)/gu;

export const escapeText = (s: string): string =>
  s.includes('\u0000') || s.includes(ESC)
    ? s.replace(TO_ESCAPE, (m) => (m === ESC ? ESC + ESC : `${ESC}0`))
    : s;

export const unescapeText = (s: string): string =>
  s.includes(ESC) ? s.replace(ESCAPED, (_, c: string) => (c === '0' ? '\u0000' : ESC)) : s;

function escapeParam(value: unknown): unknown {
  if (typeof value === 'string') return escapeText(value);
  // Every number Mnemo stores is a safe integer: one beyond (an id or a cursor someone
  // made up) compares as the nearest safe one, which no stored value reaches.
  if (typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    return value > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  if (Array.isArray(value)) return value.map(escapeParam);
  return value;
}

function unescapeRow<T>(row: Record<string, unknown>): T {
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (typeof value === 'string') row[key] = unescapeText(value);
  }
  return row as T;
}

/** int8 (counts, ids, epoch ms) as numbers: all stay below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as never,
};

/** What runs queries: the pool, or one client inside a transaction. */
export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A query prepared once per connection under a name derived from its text. */
  prepared<T>(sql: string, params?: unknown[]): Promise<T[]>;
  one<T>(sql: string, params?: unknown[]): Promise<T | undefined>;
}

const names = new Map<string, string>();
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `mnemo_${names.size + 1}`;
    names.set(sql, name);
  }
  return name;
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  const run = async <T>(config: pg.QueryConfig): Promise<T[]> => {
    const result: pg.QueryResult | pg.QueryResult[] = await target.query({
      ...config,
      values: config.values?.map(escapeParam),
    });
    // A script of several statements (migrations) answers with one result each.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last?.rows ?? []).map((row: Record<string, unknown>) => unescapeRow<T>(row));
  };
  return {
    query: (sql, params = []) => run({ text: sql, values: params }),
    prepared: (sql, params = []) => run({ name: statementName(sql), text: sql, values: params }),
    one: async (sql, params = []) =>
      (await run<never>({ name: statementName(sql), text: sql, values: params }))[0],
  };
}

/** PostgreSQL's codes for a transaction that lost to another and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;
const retryable = (error: unknown, attempt: number): boolean => {
  const code = (error as { code?: string }).code;
  return code !== undefined && RETRYABLE.has(code) && attempt < ATTEMPTS;
};

/** Runs `work` (one statement, its own transaction) again when it lost to another transaction. */
export async function retried<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!retryable(error, attempt)) throw error;
    }
  }
}

export interface Database extends Queryable {
  pool: pg.Pool;
  /** Runs `work` in one transaction (retried when it deadlocks with another process's). */
  transaction<T>(work: (tx: Queryable) => Promise<T>, mode?: string): Promise<T>;
  /** A client of its own (exports, locks); release it when done. */
  connect(): Promise<pg.PoolClient>;
  wrap(client: pg.PoolClient): Queryable;
  end(): Promise<void>;
}

export function openDatabase(url: string, options: { origin: number; max?: number }): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 10_000,
    types,
    // The origin tags this process's writes in the change notifications (migration 1's
    // triggers); set at connection start, so it holds before any query of the connection.
    options: `-c mnemo.origin=${options.origin}`,
  });
  // An idle client's error (the server restarted) must not crash the process: the pool drops it.
  pool.on('error', () => {});
  const base = queryable(pool);
  return {
    ...base,
    pool,
    async transaction<T>(work: (tx: Queryable) => Promise<T>, mode = ''): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query(`BEGIN ${mode}`);
          const result = await work(queryable(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          if (!retryable(error, attempt)) throw error;
        } finally {
          client.release();
        }
      }
    },
    connect: () => pool.connect(),
    wrap: queryable,
    end: () => pool.end(),
  };
}

/** The URL as it may be shown: without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql://(unparsable URL)';
  }
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);
