import { describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/main/store';
import { tempStoreForEachTest } from '../helpers/temp-store';

const temp = tempStoreForEachTest();

const say = (content: string, createdAt?: number): NewMessage => ({
  role: 'user',
  content,
  chatType: 'EXTERNAL',
  createdAt,
});

/** The kept counts (no filter, per flow) against counting through the list index (a date filter). */
async function expectCounts(expected: { all: number; default: number; other: number }): Promise<void> {
  const counted = {
    all: await temp.store.countSessions({ startDate: 0 }),
    default: await temp.store.countSessions({ flowId: 'default', startDate: 0 }),
    other: await temp.store.countSessions({ flowId: 'other', startDate: 0 }),
  };
  const kept = {
    all: await temp.store.countSessions({}),
    default: await temp.store.countSessions({ flowId: 'default' }),
    other: await temp.store.countSessions({ flowId: 'other' }),
  };
  expect(counted).toEqual(expected);
  expect(kept).toEqual(expected);
  // The sidebar's counts read the same kept numbers.
  const flows = await temp.store.listFlowsWithCounts();
  expect(flows.filter((f) => f.sessionCount > 0).map((f) => [f.id, f.sessionCount])).toEqual(
    (['default', 'other'] as const).filter((id) => expected[id] > 0).map((id) => [id, expected[id]]),
  );
  expect((await temp.store.listSessions({}, { sort: 'DESC', by: 'updated', limit: 1 })).total).toBe(
    expected.all,
  );
}

describe('live conversation counts', () => {
  it('follow appends, bulk inserts, the trash, deletes of every kind and flow deletion', async () => {
    await expectCounts({ all: 0, default: 0, other: 0 });

    for (const id of ['a', 'b', 'c']) await temp.store.appendMessages('default', id, [say(`hello ${id}`)]);
    await temp.store.appendMessages('default', 'a', [say('again')]);
    await temp.store.appendToBlock({ id: 'other', name: 'Other' }, 'x', [say('in other')]);
    await expectCounts({ all: 4, default: 3, other: 1 });

    await temp.store.bulkInsert([
      { flowId: 'other', sessionId: 'y', messages: [say('bulk y', 1)] },
      { flowId: 'other', sessionId: 'x', messages: [say('bulk into x', 2)] },
    ]);
    await expectCounts({ all: 5, default: 3, other: 2 });

    await temp.store.deleteSession('default', 'a', { hard: false, now: 1_000 });
    await expectCounts({ all: 4, default: 2, other: 2 });
    // A new conversation takes the trashed one's key; restoring merges them (one stays live).
    await temp.store.appendMessages('default', 'a', [say('a anew')]);
    await expectCounts({ all: 5, default: 3, other: 2 });
    const trashed = await temp.store.listTrash({ limit: 10 });
    await temp.store.restoreTrash(trashed.items.map((t) => t.id));
    await expectCounts({ all: 5, default: 3, other: 2 });

    await temp.store.deleteSession('default', 'b', { hard: true, now: 2_000 });
    await expectCounts({ all: 4, default: 2, other: 2 });

    const matched = await temp.store.countSessions({ q: 'bulk' });
    await temp.store.trashMatching({ q: 'bulk' }, matched, 3_000);
    await expectCounts({ all: 2, default: 2, other: 0 });
    await temp.store.restoreTrash((await temp.store.listTrash({ limit: 10 })).items.map((t) => t.id));
    await expectCounts({ all: 4, default: 2, other: 2 });

    await temp.store.deleteMessages({ flowId: 'default', sessionId: 'c' });
    await temp.store.deleteMemories({ sessionId: 'y' });
    await expectCounts({ all: 2, default: 1, other: 1 });

    await temp.store.deleteSession('default', 'a', { hard: false, now: 4_000 });
    await temp.store.purgeTrash();
    await expectCounts({ all: 1, default: 0, other: 1 });

    await temp.store.deleteFlow('other');
    await expectCounts({ all: 0, default: 0, other: 0 });
    await temp.store.createFlow({ id: 'other', name: 'Other again', responder: { kind: 'echo' } });
    await temp.store.appendMessages('other', 'z', [say('after the flow came back')]);
    await expectCounts({ all: 1, default: 0, other: 1 });
  });
});
