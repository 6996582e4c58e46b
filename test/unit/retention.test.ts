import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/main/memory/events';
import { RETENTION_INTERVAL_MS, retentionService } from '../../src/main/memory/retention';
import { openStore, type Store } from '../../src/main/store';
import type { MnemoEvent } from '../../src/shared/schemas/events';
import { tempDir } from '../helpers/tmp';

const DAY = 86_400_000;
let store: Store;
let cleanup: () => void;
beforeEach(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  store = await openStore({ dataDir: path.join(tmp.dir, 'data') });
});
afterEach(async () => {
  vi.useRealTimers();
  await store.close();
  cleanup();
});

const conversation = (flowId: string, sessionId: string, at: number) => ({
  flowId,
  sessionId,
  messages: [
    { role: 'user' as const, content: `${sessionId} says hi`, createdAt: at, chatType: 'EXTERNAL' as const },
  ],
});

describe('the retention service', () => {
  it('passes at start and then every hour, publishing what it moved, until stopped', async () => {
    // Only the interval and the clock are fake: the store's writes still run on setImmediate.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const start = Date.parse('2026-05-01T00:00:00.000Z');
    vi.setSystemTime(start);
    await store.createFlow({ id: 'short', name: 'Short', responder: { kind: 'echo' }, retentionDays: 2 });
    await store.bulkInsert([
      conversation('short', 'old', start - 3 * DAY),
      conversation('short', 'soon', start - 2 * DAY + 30 * 60_000), // idle for 2 days 30 minutes from now
      conversation('default', 'kept', start - 400 * DAY),
    ]);
    const events = new EventBus();
    const seen: MnemoEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const retention = retentionService(store, events);

    await retention.start();
    expect((await store.listTrash({ limit: 10 })).items.map((t) => t.sessionId)).toEqual(['old']);
    expect(seen).toEqual([
      { type: 'session.deleted', flowId: 'short', sessionId: 'old' },
      { type: 'trash.changed' },
    ]);

    seen.length = 0;
    await vi.advanceTimersByTimeAsync(RETENTION_INTERVAL_MS);
    await vi.waitFor(() =>
      expect(seen).toContainEqual({ type: 'session.deleted', flowId: 'short', sessionId: 'soon' }),
    );
    expect((await store.getSession('default', 'kept'))?.sessionId).toBe('kept');

    await retention.stop();
    await store.bulkInsert([conversation('short', 'later', start - 10 * DAY)]);
    seen.length = 0;
    await vi.advanceTimersByTimeAsync(3 * RETENTION_INTERVAL_MS);
    expect(seen).toEqual([]);
    expect((await store.getSession('short', 'later'))?.sessionId).toBe('later');
  });

  it('purges the trash after 30 days even where no flow has retention', async () => {
    const now = Date.now();
    await store.bulkInsert([
      conversation('default', 'a', now - DAY),
      conversation('default', 'b', now - DAY),
    ]);
    await store.deleteSession('default', 'a', { hard: false, now: now - 30 * DAY - 1 });
    await store.deleteSession('default', 'b', { hard: false, now: now - 30 * DAY + 60_000 });
    const events = new EventBus();
    const seen: MnemoEvent[] = [];
    events.subscribe((e) => seen.push(e));
    expect(await retentionService(store, events).run(now)).toEqual({ trashed: 0, purged: 1 });
    expect((await store.listTrash({ limit: 10 })).items.map((t) => t.sessionId)).toEqual(['b']);
    expect(seen).toEqual([{ type: 'trash.changed' }]);
  });
});
