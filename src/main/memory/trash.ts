import type { Handlers } from '../../shared/contract';
import type { TrashItem } from '../../shared/schemas/sessions';
import type { SessionKeyRecord, Store, TrashRecord } from '../store';
import { decodeCursor, encodeCursor } from './cursor';
import type { EventBus } from './events';
import { MAX_EVENTS_PER_CHANGE, toSessionSummary } from './sessions';

type TrashHandlers = Pick<Handlers, 'listTrash' | 'restoreTrash' | 'restoreTrashMatching' | 'purgeTrash'>;

/** How long the trash keeps a conversation (SPEC 1): older ones are purged before the trash is read or restored. */
export const TRASH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const toTrashItem = (record: TrashRecord): TrashItem => ({
  ...toSessionSummary(record),
  trashId: record.id,
  trashedAt: new Date(record.trashedAt).toISOString(),
});

export function trashHandlers(store: Store, events: EventBus): TrashHandlers {
  const expire = async () => {
    if ((await store.expireTrash(Date.now() - TRASH_RETENTION_MS)) > 0)
      events.publish({ type: 'trash.changed' });
  };
  const publishRestored = (restored: SessionKeyRecord[]) => {
    if (restored.length === 0) return;
    if (restored.length <= MAX_EVENTS_PER_CHANGE) {
      for (const key of restored) events.publish({ type: 'session.changed', ...key });
    }
    events.publish({ type: 'trash.changed' });
  };
  return {
    listTrash: async (input) => {
      await expire();
      const page = await store.listTrash({
        limit: input.limit,
        flowId: input.flowId,
        after: input.cursor === undefined ? undefined : decodeCursor(input.cursor, 'trash'),
      });
      return {
        items: page.items.map(toTrashItem),
        nextCursor: page.next && encodeCursor('trash', page.next.key, page.next.id),
        total: page.total,
      };
    },

    restoreTrash: async (input) => {
      await expire();
      const restored = await store.restoreTrash(input.ids);
      publishRestored(restored);
      return { count: restored.length };
    },

    restoreTrashMatching: async (input) => {
      await expire();
      const { restored, remaining } = await store.restoreTrashMatching({
        batch: input.batch,
        flowId: input.flowId,
        limit: input.limit,
      });
      publishRestored(restored);
      return { count: restored.length, remaining };
    },

    purgeTrash: async (input) => {
      const ids = input.ids?.split(',').map(Number);
      const purged = await store.purgeTrash(ids);
      if (purged > 0) events.publish({ type: 'trash.changed' });
      return { count: purged };
    },
  };
}
