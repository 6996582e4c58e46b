import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../src/main/store';
import { tempDir } from './tmp';

/**
 * How many messages a data dir's database file holds on its own, without its WAL (read
 * from a copy in the temp dir): what the checkpoints have copied there. -1 while it cannot
 * be read alone (no table yet, or a checkpoint cut short left it half-copied).
 */
export function messagesInMainFile(dataDir: string): number {
  const copy = tempDir();
  try {
    const file = path.join(copy.dir, DATABASE_FILE);
    fs.copyFileSync(path.join(dataDir, DATABASE_FILE), file);
    const db = new Database(file, { readonly: true });
    try {
      const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'messages'").get();
      return table ? (db.prepare('SELECT count(*) FROM messages').pluck().get() as number) : -1;
    } catch {
      return -1;
    } finally {
      db.close();
    }
  } finally {
    copy.cleanup();
  }
}

/** Runs SQL on a connection of its own to a data dir's database (as another process would). */
export function onOwnConnection<T>(dataDir: string, work: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** How many segments the messages' full-text index is in (search upkeep merges them down to 4). */
export const searchSegments = (dataDir: string): number =>
  onOwnConnection(
    dataDir,
    (db) => db.prepare('SELECT count(DISTINCT segid) FROM messages_fts_idx').pluck().get() as number,
  );
