/**
 * What can go wrong beneath the store, in the store's own terms: the one place that
 * reads SQLite's error codes. The HTTP edge maps a fault to a status (full 507, busy 503,
 * corrupt 500), the background tasks log it and retry.
 */
import fs from 'node:fs';
import path from 'node:path';

export type FaultKind = 'full' | 'busy' | 'corrupt';

/** How long a client is told to wait before retrying a write the lock kept out (Retry-After). */
export const BUSY_RETRY_AFTER_SECONDS = 5;

export class StoreFault extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
    /** SQLite's extended code, e.g. SQLITE_FULL. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'StoreFault';
  }
}

/** Below this a filesystem counts as full when SQLite reports a failed write (an I/O error). */
const NEARLY_FULL_BYTES = 64 * 1024;

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** Whether the filesystem holding `file` has (next to) no space left; false when unknown. */
function diskIsFull(file: string): boolean {
  try {
    const stats = fs.statfsSync(path.dirname(file));
    return stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

function kindOf(code: string, file: string | undefined): FaultKind | undefined {
  if (code === 'SQLITE_FULL') return 'full';
  // ENOSPC is SQLITE_FULL for most writes, but extending the shared-memory file or a
  // failed write of another kind comes as an I/O error: the disk decides.
  if (code.startsWith('SQLITE_IOERR') && file !== undefined && diskIsFull(file)) return 'full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  return undefined;
}

function messageFor(kind: FaultKind, code: string, detail: string, file: string | undefined): string {
  const db = file ?? "Mnemo's database";
  switch (kind) {
    case 'full':
      return `the disk holding ${file ? path.dirname(file) : db} is full; free some space and retry; nothing was stored`;
    case 'busy':
      return `the database ${db} is busy: another process (another Mnemo on the same data dir?) holds its write lock; nothing was stored; retry in ${BUSY_RETRY_AFTER_SECONDS} s`;
    case 'corrupt':
      return `the database file is damaged: ${db} (${code}: ${detail}); stop Mnemo, keep a copy of the file, then restore a backup or export what can still be read`;
  }
}

/**
 * The fault a raw error stands for: a StoreFault as it is, an SQLite error of a known
 * kind converted (naming `file` when given), anything else undefined.
 */
export function storeFault(error: unknown, file?: string): StoreFault | undefined {
  if (error instanceof StoreFault) return error;
  const code = sqliteCode(error);
  if (code === undefined) return undefined;
  const kind = kindOf(code, file);
  if (kind === undefined) return undefined;
  const fault = new StoreFault(kind, messageFor(kind, code, (error as Error).message, file), code);
  fault.cause = error;
  return fault;
}

/** The error a caller of the store should see: its fault when it is one, else the error itself. */
export function asStoreError(error: unknown, file?: string): unknown {
  return storeFault(error, file) ?? error;
}

/** A short description of an error for a log line. */
export function describeError(error: unknown): string {
  const code = sqliteCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
