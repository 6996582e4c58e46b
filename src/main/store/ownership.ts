/**
 * Whose database is this file? Mnemo opens only its own: a file that is absent or
 * empty, or a SQLite database marked with Mnemo's application id (or one an earlier
 * Mnemo made, before the mark: Mnemo's tables, user_version > 0). Anything else is
 * refused before SQLite writes a byte of it (no WAL switch, no tables, no -wal/-shm left).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { nativeBinding } from './database';
import { MNEMO_APPLICATION_ID, mnemoTableNames } from './migrations';

export const DATABASE_FILE = 'mnemo.db';

export class ForeignDatabaseError extends Error {
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(
      `${file} is not a Mnemo database (${what}); Mnemo leaves it unchanged. ` +
        'Point --data-dir / MNEMO_DATA_DIR at an empty directory or a Mnemo data dir',
    );
    this.name = 'ForeignDatabaseError';
  }
}

export type Ownership = 'absent' | 'empty' | 'mnemo' | 'mnemo-unmarked';

interface Facts {
  applicationId: number;
  userVersion: number;
  schemaEmpty: boolean;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
// The 100-byte file header, then page 1's b-tree header (the schema table's root).
const HEADER_BYTES = 108;
const LEAF_TABLE_PAGE = 0x0d;

const sizeOf = (file: string): number | undefined => {
  try {
    return fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** The facts from the file's first bytes; undefined when it is not a SQLite file. */
function readHeader(file: string): Facts | undefined {
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = fs.openSync(file, 'r');
  let length: number;
  try {
    length = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (length < HEADER_BYTES || !header.subarray(0, 16).equals(SQLITE_MAGIC)) return undefined;
  return {
    userVersion: header.readUInt32BE(60),
    applicationId: header.readUInt32BE(68),
    schemaEmpty: header[100] === LEAF_TABLE_PAGE && header.readUInt16BE(103) === 0,
  };
}

/**
 * Runs `read` on a read-only connection. A read-only open of a WAL database creates
 * -wal and -shm when they are missing, and leaves them: those it created are removed
 * again when `keep` says the file is not Mnemo's (the -wal only while it is empty).
 */
function readOnly<T>(file: string, read: (db: Database.Database) => T, keep: (result: T) => boolean): T {
  const sidecars = [`${file}-shm`, `${file}-wal`].filter((f) => !fs.existsSync(f));
  let result: T;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: nativeBinding() });
    try {
      result = read(db);
    } finally {
      db.close();
    }
  } catch (error) {
    removeCreated(sidecars);
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') return notSqlite(file);
    throw error;
  }
  if (!keep(result)) removeCreated(sidecars);
  return result;
}

function removeCreated(files: string[]): void {
  for (const f of files) {
    if (f.endsWith('-wal') && (sizeOf(f) ?? 0) > 0) continue;
    fs.rmSync(f, { force: true });
  }
}

const notSqlite = (file: string): never => {
  throw new ForeignDatabaseError(file, 'it is not a SQLite database');
};

const readFacts = (db: Database.Database): Facts => ({
  applicationId: db.pragma('application_id', { simple: true }) as number,
  userVersion: db.pragma('user_version', { simple: true }) as number,
  schemaEmpty: db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() === 0,
});

/** Whether every table is one Mnemo's migrations create, and Mnemo's first tables are all there. */
function holdsMnemoTables(db: Database.Database): boolean {
  const { tables, virtualTables } = mnemoTableNames();
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    .pluck()
    .all() as string[];
  const shadow = new RegExp(`^(${virtualTables.join('|')})_(data|idx|content|docsize|config)$`);
  const known = (name: string) => tables.includes(name) || virtualTables.includes(name) || shadow.test(name);
  return (
    ['flows', 'conversations', 'messages', 'settings'].every((t) => names.includes(t)) && names.every(known)
  );
}

type Verdict = Ownership | { foreign: string };

/** Whose database these facts describe; 'ask-sqlite' when that needs its table names. */
function judge(facts: Facts, holdsMnemoTables?: () => boolean): Verdict | 'ask-sqlite' {
  const tables = { foreign: 'it holds tables of another application' };
  if (facts.applicationId === MNEMO_APPLICATION_ID) return 'mnemo';
  if (facts.applicationId !== 0) {
    const id = `0x${facts.applicationId.toString(16).padStart(8, '0')}`;
    return { foreign: `it is marked as another application's, application_id ${id}` };
  }
  if (facts.schemaEmpty) return 'empty';
  if (facts.userVersion === 0) return tables;
  // An earlier Mnemo's database (no mark yet), or another application's that counts versions.
  if (!holdsMnemoTables) return 'ask-sqlite';
  return holdsMnemoTables() ? 'mnemo-unmarked' : tables;
}

/**
 * Decides whose database `file` is, reading it only. Throws ForeignDatabaseError for a
 * file that is not Mnemo's; the file and its directory are as they were.
 */
export function checkOwnership(file: string): Ownership {
  const size = sizeOf(file);
  if (size === undefined) return 'absent';
  if (size === 0) return 'empty';
  const header = readHeader(file);
  if (!header) return notSqlite(file);
  // A -wal with content may hold a newer first page than the file's: SQLite reads both.
  let verdict = (sizeOf(`${file}-wal`) ?? 0) > 0 ? 'ask-sqlite' : judge(header);
  if (verdict === 'ask-sqlite') {
    verdict = readOnly(
      file,
      (db) => judge(readFacts(db), () => holdsMnemoTables(db)) as Verdict,
      (v) => typeof v === 'string',
    );
  }
  if (typeof verdict !== 'string') throw new ForeignDatabaseError(file, verdict.foreign);
  return verdict;
}

/** The files SQLite keeps beside the database, and the copies taken before migrations. */
export const isDatabaseCompanion = (name: string): boolean =>
  name.startsWith(DATABASE_FILE) &&
  /^(-wal|-shm|-journal|\.v\d+\.bak)$/.test(name.slice(DATABASE_FILE.length));

/**
 * Makes `file` ready for Mnemo: refuses another application's (ForeignDatabaseError),
 * creates a missing one 0600 (SQLite gives -wal and -shm the database file's mode), and
 * tightens Mnemo's own files that an earlier version left readable by others.
 */
export function claimDatabaseFile(file: string): Ownership {
  const ownership = checkOwnership(file);
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
  const dir = path.dirname(file);
  for (const name of fs.readdirSync(dir)) {
    if (isDatabaseCompanion(name)) fs.chmodSync(path.join(dir, name), 0o600);
  }
  return ownership;
}
