/**
 * The store's background tasks on a full disk (a real tmpfs): the index merge, the WAL
 * checkpoint and the retention pass each fail, log one line, keep retrying, and work
 * again once space is back, without a restart. A merge that threw from its timer would
 * end this very process (vitest reports it as an unhandled error).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { EventBus } from '../../src/main/memory/events';
import { retentionService } from '../../src/main/memory/retention';
import { openStore, type Store } from '../../src/main/store';
import { eventually } from '../helpers/eventually';
import { messagesInMainFile, onOwnConnection, searchSegments } from '../helpers/main-file';
import { mountTmpfs, type Tmpfs, tmpfsUnavailable } from '../helpers/tmpfs';

const DAY = 86_400_000;
let disk: Tmpfs;
let dataDir: string;
let store: Store;
let warn: MockInstance<(typeof console)['warn']>;

beforeEach(async () => {
  if (tmpfsUnavailable) return;
  disk = mountTmpfs(16);
  dataDir = path.join(disk.dir, 'data');
  store = await openStore({ dataDir });
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  if (tmpfsUnavailable) return;
  warn.mockRestore();
  for (const file of fs.readdirSync(disk.dir))
    if (file.startsWith('filler')) fs.rmSync(path.join(disk.dir, file));
  await store.close();
  disk.unmount();
});

/** Lines logged so far that mention `task`. */
const logged = (task: string) =>
  warn.mock.calls.map((call) => String(call[0])).filter((l) => l.includes(task));

const say = (content: string) => [{ role: 'user' as const, content, chatType: 'EXTERNAL' as const }];

describe.skipIf(tmpfsUnavailable)('background tasks on a full disk', () => {
  it('the search index merge fails, logs once, keeps the process up and merges once space is back', async () => {
    // One append per batch: a segment each, more than the upkeep's four.
    for (let i = 0; i < 30; i++) await store.appendMessages('default', `s${i % 5}`, say(`note ${i} harbour`));
    // An empty WAL, then no space: the merge's first page has nowhere to go. The upkeep
    // waits for a quiet second, so this is done well before it starts.
    onOwnConnection(dataDir, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    const filler = disk.fill();

    expect(await eventually(() => logged('merging the search index').length > 0, 5000)).toBe(true);
    // Retries (1 s, then 2 s later) fail too, but say nothing more.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(logged('merging the search index')).toHaveLength(1);
    expect(logged('merging the search index')[0]).toMatch(/SQLITE_FULL|disk is full/);
    expect(searchSegments(dataDir)).toBeGreaterThan(4);

    fs.rmSync(filler);
    expect(await eventually(() => searchSegments(dataDir) <= 4, 10_000)).toBe(true);
    expect(logged('merging the search index')).toEqual([
      expect.stringContaining('failed'),
      expect.stringContaining('works again'),
    ]);
    expect((await store.searchMessages('harbour', { limit: 50 })).length).toBe(30);
  }, 20_000);

  it('the WAL checkpoint fails, logs once, and the worker checkpoints again once space is back', async () => {
    const big = (tag: string) => say(`${tag} ${'lorem ipsum dolor '.repeat(40_000)}`); // ~720 KB
    await store.appendMessages('default', 'a', [...big('a1'), ...big('a2')]);
    // Everything in the database file: the next write starts the WAL over, in its old space.
    expect(await eventually(() => messagesInMainFile(dataDir) === 2, 5000)).toBe(true);
    const filler = disk.fill();

    // Fits in the WAL's old space, but copying it into the database file needs new space.
    await store.appendMessages('default', 'b', big('b1'));
    expect(await eventually(() => logged('checkpointing the WAL').length > 0, 5000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(logged('checkpointing the WAL')).toHaveLength(1);
    // The database file alone may be half-copied now; with its WAL it holds everything.
    expect(onOwnConnection(dataDir, (db) => db.pragma('quick_check', { simple: true }))).toBe('ok');
    expect(onOwnConnection(dataDir, (db) => db.prepare('SELECT count(*) FROM messages').pluck().get())).toBe(
      3,
    );

    fs.rmSync(filler);
    expect(await eventually(() => messagesInMainFile(dataDir) === 3, 10_000)).toBe(true);
    // The worker reports its recovery after the checkpoint, as a message the main thread
    // reads on a later turn: the file can be complete before the line is logged.
    expect(await eventually(() => logged('checkpointing the WAL').length === 2, 5_000)).toBe(true);
    expect(logged('checkpointing the WAL')).toEqual([
      expect.stringContaining('failed'),
      expect.stringContaining('works again'),
    ]);
  }, 20_000);

  it('a store opened again on the full disk (as after a crash) stays up, answers reads and refuses writes', async () => {
    for (let i = 0; i < 30; i++) await store.appendMessages('default', `s${i % 5}`, say(`note ${i}`));
    // The first store stays open, so its WAL and shared memory stay, as a killed process leaves them.
    const filler = disk.fill();
    const again = await openStore({ dataDir });
    try {
      // Opening writes the default flow, which wakes its merge: a second later it meets the full disk.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(logged('merging the search index').length).toBeGreaterThan(0); // a line per store
      expect((await again.listSessions({}, { sort: 'DESC', by: 'updated', limit: 10 })).total).toBe(5);
      await expect(again.appendMessages('default', 'new', say('more'))).rejects.toMatchObject({
        kind: 'full',
      });
      fs.rmSync(filler);
      await again.appendMessages('default', 'new', say('more'));
    } finally {
      await again.close();
    }
  }, 20_000);

  it('the retention pass fails, logs once, and retries until it trashes what it should', async () => {
    await store.createFlow({ id: 'short', name: 'Short', responder: { kind: 'echo' }, retentionDays: 1 });
    await store.bulkInsert([
      {
        flowId: 'short',
        sessionId: 'old',
        messages: [
          { role: 'user', content: 'old news', createdAt: Date.now() - 3 * DAY, chatType: 'EXTERNAL' },
        ],
      },
    ]);
    onOwnConnection(dataDir, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    const filler = disk.fill();
    const retention = retentionService(store, new EventBus());
    try {
      await retention.start();
      expect((await store.listTrash({ limit: 10 })).items).toHaveLength(0);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(logged('the retention pass')).toHaveLength(1);
      expect(logged('the retention pass')[0]).toMatch(/disk holding .* is full/);

      fs.rmSync(filler);
      expect(
        await eventually(() => logged('the retention pass').some((l) => l.includes('works again')), 10_000),
      ).toBe(true);
      expect((await store.listTrash({ limit: 10 })).items.map((t) => t.sessionId)).toEqual(['old']);
    } finally {
      await retention.stop();
    }
  }, 20_000);
});
