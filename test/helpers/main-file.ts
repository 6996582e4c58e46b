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
