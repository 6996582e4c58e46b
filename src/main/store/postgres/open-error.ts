/**
 * Why a PostgreSQL database could not be opened, in one line a person can act on: the
 * driver's errors name a socket call or an SQLSTATE, and never which server was meant.
 * Always the URL without its password (redactUrl).
 */

/** The oldest PostgreSQL the store's SQL runs on (README: "PostgreSQL 13 or later"). */
export const PG_MIN_SERVER_VERSION = 130000;

/** The server's version as `server_version_num` gives it (150004), and as people write it (15.4). */
export function checkServerVersion(versionNum: number, version: string, where: string): void {
  if (versionNum < PG_MIN_SERVER_VERSION) {
    throw new Error(
      `the PostgreSQL server at ${where} is version ${version}; Mnemo needs PostgreSQL ${PG_MIN_SERVER_VERSION / 10000} or later`,
    );
  }
}

interface DriverError {
  code?: string;
  message?: string;
  /** Node's AggregateError when a name resolved to several addresses and each failed. */
  errors?: DriverError[];
}

const codeOf = (error: DriverError): string | undefined => error.code ?? error.errors?.[0]?.code;

/** Host and port (and database, user) as the URL names them, for the message. */
function parts(url: string): { server: string; database: string; user: string } {
  const parsed = new URL(url);
  const host = decodeURIComponent(parsed.hostname) || 'localhost';
  const database = decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username);
  return {
    server: `${host}:${parsed.port || 5432}`,
    database,
    user: decodeURIComponent(parsed.username) || '(no user)',
  };
}

/**
 * The error to show for `error`, thrown while opening the database at `url` (`where`: the
 * URL without its password). Mnemo's own errors (no code: a newer schema, another
 * application's tables, too old a server) already say what is wrong and pass unchanged.
 */
export function describeOpenError(error: unknown, url: string, where: string): unknown {
  const e = (error ?? {}) as DriverError;
  const code = codeOf(e);
  if (!code && !/timeout/i.test(e.message ?? '')) return error;
  let p: ReturnType<typeof parts>;
  try {
    p = parts(url);
  } catch {
    return new Error('the PostgreSQL URL is not a valid URL');
  }
  const reach = `cannot reach the PostgreSQL server at ${p.server}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new Error(`${reach}: connection refused (is PostgreSQL running there, on that port?)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new Error(`${reach}: host not found`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new Error(`${reach}: host unreachable`);
    case 'ECONNRESET':
      return new Error(`${reach}: it closed the connection (is that port PostgreSQL's?)`);
    case '28P01':
      return new Error(`PostgreSQL at ${p.server} refused the password for user "${p.user}"`);
    case '28000':
      return new Error(`PostgreSQL at ${p.server} refused user "${p.user}": ${firstLine(e.message)}`);
    case '3D000':
      return new Error(
        `database "${p.database}" does not exist on the PostgreSQL server at ${p.server} (create it first, e.g. createdb ${p.database})`,
      );
  }
  if (!code) return new Error(`${reach}: no answer within the connection timeout (host unreachable?)`);
  // Another SQLSTATE of the server's (permission denied, ...) or socket error: its own words, of this database.
  return new Error(`PostgreSQL at ${where}: ${firstLine(e.message)}`);
}

const firstLine = (message: string | undefined): string =>
  (message ?? 'unknown error').split('\n')[0] as string;
