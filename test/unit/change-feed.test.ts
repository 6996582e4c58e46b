/** The store's change log between two stores (two processes) on one database file. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsForChanges } from '../../src/main/memory/cross-process-events';
import { DATABASE_FILE, openStore, type Store } from '../../src/main/store';
import { CHANGE_LOG_ROWS } from '../../src/main/store/change-feed';
import { tempStoreForEachTest } from '../helpers/temp-store';

const temp = tempStoreForEachTest();
let other: Store;
beforeEach(async () => {
  other = await openStore({ dataDir: temp.dir });
});
afterEach(() => other.close());

const append = (store: Store, sessionId: string, flowId = 'default') =>
  store.appendMessages(flowId, sessionId, [{ role: 'user', content: 'hi', chatType: 'EXTERNAL' }]);

describe('readForeignChanges', () => {
  it('is nothing until another connection commits, and never this store’s own writes', async () => {
    expect(await other.readForeignChanges()).toBeUndefined();
    await append(other, 'mine');
    expect(await other.readForeignChanges()).toBeUndefined();

    await append(temp.store, 'theirs');
    await append(other, 'mine');
    const read = await other.readForeignChanges();
    expect(read).toEqual({
      missed: false,
      changes: [
        // A new conversation changes its flow's count too.
        { flowId: 'default', sessionId: null, liveBefore: null, liveAfter: null },
        { flowId: 'default', sessionId: 'theirs', liveBefore: true, liveAfter: true },
      ],
    });
    expect(await other.readForeignChanges()).toBeUndefined();
    // The other way round: only `other`'s rows.
    expect((await temp.store.readForeignChanges())?.changes.map((c) => c.sessionId)).toEqual([
      null,
      'mine',
      'mine',
    ]);
  });

  it('tells a trash, a restore, a purge and a flow change apart', async () => {
    await append(temp.store, 's');
    await temp.store.deleteSession('default', 's', { hard: false, now: Date.now() });
    const [trashed] = (await temp.store.listTrash({ limit: 1 })).items;
    await temp.store.restoreTrash([trashed?.id ?? 0]);
    await temp.store.deleteSession('default', 's', { hard: true, now: Date.now() });
    await temp.store.createFlow({ id: 'f', name: 'F', responder: { kind: 'echo' } });
    const changes = (await other.readForeignChanges())?.changes ?? [];
    expect(eventsForChanges(changes)).toEqual([
      { type: 'session.changed', flowId: 'default', sessionId: 's' },
      { type: 'session.deleted', flowId: 'default', sessionId: 's' },
      { type: 'flow.changed', flowId: 'default' },
      { type: 'flow.changed', flowId: 'f' },
      { type: 'trash.changed' },
    ]);
  });

  it('says so when it fell behind further than the log keeps', async () => {
    // Trimmed a thousand rows at a time: write enough for a trim past what was read.
    const conversations = CHANGE_LOG_ROWS / 2 + 1_000;
    await temp.store.bulkInsert(
      Array.from({ length: conversations }, (_, i) => ({
        flowId: 'default',
        sessionId: `bulk-${i}`,
        messages: [{ role: 'user' as const, content: 'x', chatType: 'EXTERNAL' as const }],
      })),
    );
    expect((await other.readForeignChanges())?.missed).toBe(false);
    // Each conversation trashed: its own row and its flow's count.
    const all = await temp.store.countSessions({});
    await temp.store.trashMatching({}, all, Date.now());
    const read = await other.readForeignChanges();
    expect(read?.missed).toBe(true);
    expect(eventsForChanges(read?.changes ?? [], ['default'])).toEqual([
      { type: 'flow.changed', flowId: 'default' },
      { type: 'trash.changed' },
    ]);
  });

  it('leaves writers without the triggers (an older Mnemo, the sqlite3 shell) working, unlogged', async () => {
    await append(temp.store, 'outside');
    await other.readForeignChanges();
    const shell = new Database(path.join(temp.dir, DATABASE_FILE));
    try {
      shell.prepare("UPDATE conversations SET title = 'by hand' WHERE session_id = 'outside'").run();
      shell.prepare('DELETE FROM conversations').run();
    } finally {
      shell.close();
    }
    expect(await other.readForeignChanges()).toEqual({ missed: false, changes: [] });
  });
});

describe('eventsForChanges', () => {
  it('tells of each conversation once, and of many as their flows', () => {
    const change = (sessionId: string) => ({ flowId: 'f', sessionId, liveBefore: true, liveAfter: true });
    expect(eventsForChanges([change('a'), change('a')])).toEqual([
      { type: 'session.changed', flowId: 'f', sessionId: 'a' },
    ]);
    const many = Array.from({ length: 101 }, (_, i) => change(`s${i}`));
    expect(eventsForChanges(many)).toEqual([{ type: 'flow.changed', flowId: 'f' }]);
  });
});
