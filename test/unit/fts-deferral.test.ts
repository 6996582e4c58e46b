/**
 * Full-text indexing deferred to the end of each write batch (migration 6,
 * temp.store/fts-deferral.ts): whatever a batch does, what it committed is searchable, the
 * index agrees with the messages (FTS5's own integrity check), and nothing of the
 * deferral is left in the committed database.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, type NewMessage, openStore } from '../../src/main/store';
import { tempStoreForEachTest } from '../helpers/temp-store';

const temp = tempStoreForEachTest();

const say = (content: string, role: NewMessage['role'] = 'user'): NewMessage => ({
  role,
  content,
  chatType: 'EXTERNAL',
});
// A space after the word: a whole word (batchword1 alone would also find batchword10).
const sessionsWith = async (word: string) =>
  (await temp.store.searchMessages(`${word} `, { limit: 50 })).map((hit) => hit.sessionId).sort();

/** The committed file as another connection sees it. */
function onDisk<T>(read: (db: Database.Database) => T): T {
  const db = new Database(path.join(temp.dir, DATABASE_FILE), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** No deferral left behind, and both full-text indexes match their tables. */
async function consistent(): Promise<void> {
  onDisk((db) => {
    expect(db.prepare('SELECT deferred FROM fts_deferral').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM fts_pending').pluck().get()).toBe(0);
  });
  await temp.store.close();
  const db = new Database(path.join(temp.dir, DATABASE_FILE));
  try {
    for (const table of ['messages_fts', 'titles_fts']) {
      db.prepare(`INSERT INTO ${table}(${table}, rank) VALUES ('integrity-check', 1)`).run();
    }
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
  temp.store = await openStore({ dataDir: temp.dir });
}

describe('full-text indexing per write batch', () => {
  it('indexes every message a batch appended by the time the batch is acknowledged', async () => {
    const words = Array.from({ length: 20 }, (_, i) => `batchword${i}`);
    await Promise.all(words.map((word, i) => temp.store.appendMessages('default', `s${i % 5}`, [say(word)])));
    for (const [i, word] of words.entries()) expect(await sessionsWith(word)).toEqual([`s${i % 5}`]);
    await consistent();
  });

  it('leaves out of the index a message deleted in the batch that appended it', async () => {
    const appended = temp.store.appendMessages('default', 'brief', [say('ephemeral words here')]);
    const deleted = temp.store.deleteSession('default', 'brief', { hard: true, now: Date.now() });
    await Promise.all([appended, deleted]);
    expect(await sessionsWith('ephemeral')).toEqual([]);
    await consistent();
  });

  it('indexes a new message that takes the row number of one deleted in the same batch', async () => {
    await temp.store.appendMessages('default', 'old', [say('oldword')]);
    const seqOf = (content: string) =>
      onDisk((db) => db.prepare('SELECT seq FROM messages WHERE content = ?').pluck().get(content));
    const oldSeq = seqOf('oldword');
    // The newest message goes, so the next insert reuses its row number (seq).
    const deleted = temp.store.deleteSession('default', 'old', { hard: true, now: Date.now() });
    const appended = temp.store.appendMessages('default', 'new', [say('newword')]);
    await Promise.all([deleted, appended]);
    expect(seqOf('newword')).toBe(oldSeq);
    expect(await sessionsWith('oldword')).toEqual([]);
    expect(await sessionsWith('newword')).toEqual(['new']);
    await consistent();
  });

  it('takes back the pending messages of a write that fails, and keeps the others of its batch', async () => {
    const failing = temp.store.appendMessages('default', 'bad', [
      say('halfway message'),
      { ...say('never stored'), role: 'robot' as NewMessage['role'] },
    ]);
    const fine = temp.store.appendMessages('default', 'good', [say('survivor message')]);
    await expect(failing).rejects.toThrow(/CHECK constraint/);
    await fine;
    expect(await sessionsWith('halfway')).toEqual([]);
    expect(await sessionsWith('survivor')).toEqual(['good']);
    await consistent();
  });

  it('indexes a bulk insert and appends that share a batch', async () => {
    await Promise.all([
      temp.store.appendMessages('default', 'a', [say('kiwi first')]),
      temp.store.bulkInsert([
        { flowId: 'default', sessionId: 'b', messages: [{ ...say('mango'), createdAt: 1 }] },
      ]),
      temp.store.appendMessages('default', 'c', [say('kiwi again')]),
    ]);
    expect(await sessionsWith('kiwi')).toEqual(['a', 'c']);
    expect(await sessionsWith('mango')).toEqual(['b']);
    onDisk((db) =>
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all()).toEqual(
        expect.arrayContaining(['messages_fts_insert', 'messages_fts_defer', 'titles_fts_insert']),
      ),
    );
    await consistent();
  });

  it('indexes at once a message another program inserts (outside the write queue)', async () => {
    await temp.store.appendMessages('default', 'shared', [say('first words')]);
    const other = new Database(path.join(temp.dir, DATABASE_FILE));
    try {
      other
        .prepare(
          `INSERT INTO messages (id, conversation_id, role, content, created_at, chat_id, chat_type)
           SELECT 'external-1', id, 'user', 'written elsewhere', 1, 'shared', 'EXTERNAL' FROM conversations`,
        )
        .run();
    } finally {
      other.close();
    }
    expect(await sessionsWith('elsewhere')).toEqual(['shared']);
    await consistent();
  });

  it('does not rewrite the title index when an append leaves the title as it was', async () => {
    await temp.store.appendMessages('default', 'titled', [say('the title question')]);
    const titleRows = () => onDisk((db) => db.prepare('SELECT count(*) FROM titles_fts_data').pluck().get());
    const before = titleRows();
    for (let i = 0; i < 10; i++)
      await temp.store.appendMessages('default', 'titled', [say(`more ${i}`, 'assistant')]);
    expect(titleRows()).toBe(before);
    expect((await temp.store.getSession('default', 'titled'))?.title).toBe('the title question');
    expect(await temp.store.countSessions({ q: 'title' })).toBe(1);
    await consistent();
  });
});
