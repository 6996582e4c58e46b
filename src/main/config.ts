import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkOwnership, DATABASE_FILE, isDatabaseCompanion } from './store/ownership';

export const DEFAULT_PORT = 7788;
export const DEFAULT_HOST = '127.0.0.1';
const API_KEY_FILE = 'api-key';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Origins that get CORS grants (MNEMO_CORS_ORIGINS); empty by default. */
  corsOrigins: string[];
  /** A PostgreSQL URL (--database-url / MNEMO_DATABASE_URL): the store lives there instead of SQLite in the data dir. */
  databaseUrl?: string;
}

export class ConfigError extends Error {}

export function defaultHeadlessDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'mnemo');
}

function parsePort(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new ConfigError(`${source} must be a port number 0-65535, got "${text}"`);
  return port;
}

/** Reads `--port/--host/--data-dir/--database-url` (flags win) and MNEMO_* variables. */
export function readServeConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
  defaultDataDir = defaultHeadlessDataDir(env),
): ServerConfig {
  let values: { port?: string; host?: string; 'data-dir'?: string; 'database-url'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : env.MNEMO_PORT
        ? parsePort(env.MNEMO_PORT, 'MNEMO_PORT')
        : DEFAULT_PORT;
  const host = values.host ?? (env.MNEMO_HOST || DEFAULT_HOST);
  const dataDir = path.resolve(values['data-dir'] ?? (env.MNEMO_DATA_DIR || defaultDataDir));
  const corsOrigins = (env.MNEMO_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const databaseUrl = values['database-url'] ?? (env.MNEMO_DATABASE_URL || undefined);
  const urlSource = values['database-url'] === undefined ? 'MNEMO_DATABASE_URL' : '--database-url';
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new ConfigError(`${urlSource} must be a postgresql:// URL`);
  }
  // Never shown: it may hold a password.
  if (databaseUrl !== undefined && !URL.canParse(databaseUrl)) {
    throw new ConfigError(
      `${urlSource} is not a valid URL (a password's special characters must be percent-encoded, e.g. @ as %40)`,
    );
  }
  return databaseUrl === undefined
    ? { port, host, dataDir, corsOrigins }
    : { port, host, dataDir, corsOrigins, databaseUrl };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The names of the files Mnemo itself keeps in its data dir. */
export const isMnemoFile = (name: string): boolean =>
  name === DATABASE_FILE ||
  isDatabaseCompanion(name) ||
  name === API_KEY_FILE ||
  /^api-key\.\d+\.tmp$/.test(name) ||
  // An import's upload, left behind if the process died (src/main/memory/import-spool.ts).
  /^import-\d+-[0-9a-f-]+\.upload$/.test(name);

/**
 * Creates the data dir private to this user (0700). An existing one that holds only
 * Mnemo's files is tightened to 0700; one that holds other files is someone's own
 * folder: used as it is (Mnemo's files in it are 0600), never chmodded, unless anyone
 * may write to it. A database there that is not Mnemo's is refused before anything is
 * written (ForeignDatabaseError).
 */
export function ensureDataDir(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    return;
  }
  checkOwnership(path.join(dir, DATABASE_FILE));
  const others = names.filter((name) => !isMnemoFile(name));
  if (others.length === 0) {
    fs.chmodSync(dir, 0o700);
    return;
  }
  if (fs.statSync(dir).mode & 0o002) {
    const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ', ...' : '');
    throw new ConfigError(
      `the data dir ${dir} is writable by every user and holds files that are not Mnemo's (${shown}); ` +
        'Mnemo does not change its permissions. Point --data-dir / MNEMO_DATA_DIR at a directory of your own',
    );
  }
}

export const newApiKey = (): string => crypto.randomBytes(32).toString('base64url');

/**
 * The API key: MNEMO_API_KEY if set, else the one kept in the data dir (0600),
 * generated on first start.
 */
export function loadApiKey(dataDir: string, env: NodeJS.ProcessEnv): { key: string; fromEnv: boolean } {
  if (env.MNEMO_API_KEY) return { key: env.MNEMO_API_KEY, fromEnv: true };
  const file = path.join(dataDir, API_KEY_FILE);
  try {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key) {
      fs.chmodSync(file, 0o600);
      return { key, fromEnv: false };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { key: saveApiKey(dataDir, newApiKey()), fromEnv: false };
}

export function saveApiKey(dataDir: string, key: string): string {
  const file = path.join(dataDir, API_KEY_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${key}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return key;
}
