/**
 * Live events for what another process wrote: the desktop app and `npm run serve` may
 * share one data dir, and each window must show what a script wrote through either.
 * This process's own writes are published by its services as they happen; the other
 * process's are read from the store's change log a few times a second and published
 * here, on the same bus, so the SSE route and the IPC bridge forward them alike.
 */
import type { MnemoEvent } from '../../shared/schemas/events';
import type { ChangeRecord, Store } from '../store';
import type { EventBus } from './events';
import { MAX_EVENTS_PER_CHANGE } from './sessions';

type SessionEvent = Extract<MnemoEvent, { type: 'session.changed' | 'session.deleted' }>;

/** How often the store is asked whether another process committed (a few µs when not). */
export const CROSS_PROCESS_POLL_MS = 250;

/**
 * The events a window needs for these changes, each once, in the order they came; as a
 * service does, many conversations become one flow.changed per flow. `allFlowIds`
 * stands in for changes that were missed: every flow changed, and the trash.
 */
export function eventsForChanges(changes: ChangeRecord[], allFlowIds: string[] = []): MnemoEvent[] {
  const sessions = new Map<string, SessionEvent>();
  const flows = new Set(allFlowIds);
  let trash = allFlowIds.length > 0;
  for (const change of changes) {
    const { flowId, sessionId } = change;
    if (sessionId === null) {
      flows.add(flowId);
      continue;
    }
    const type =
      change.liveAfter === true
        ? 'session.changed'
        : change.liveBefore === true
          ? 'session.deleted'
          : undefined;
    if (type) sessions.set(`${type} ${flowId} ${sessionId}`, { type, flowId, sessionId });
    if (change.liveBefore === false || change.liveAfter === false) trash = true;
  }
  const events: MnemoEvent[] = [];
  if (sessions.size <= MAX_EVENTS_PER_CHANGE) events.push(...sessions.values());
  else for (const event of sessions.values()) flows.add(event.flowId);
  for (const flowId of flows) events.push({ type: 'flow.changed', flowId });
  if (trash) events.push({ type: 'trash.changed' });
  return events;
}

/**
 * Publishes other processes' changes every CROSS_PROCESS_POLL_MS until stop(). A read
 * that fails (the database busy, a disk error) is logged once and tried again at the
 * next tick; nothing is lost meanwhile, as the log keeps the changes.
 */
export function relayOtherProcessesChanges(
  store: Store,
  events: EventBus,
  intervalMs = CROSS_PROCESS_POLL_MS,
) {
  let failing = false;
  let polling: Promise<void> | undefined;

  async function poll(): Promise<void> {
    try {
      const read = await store.readForeignChanges();
      if (read) {
        const allFlowIds = read.missed ? (await store.listFlows()).map((flow) => flow.id) : [];
        for (const event of eventsForChanges(read.changes, allFlowIds)) events.publish(event);
      }
      if (failing) console.warn('Mnemo: reading changes of other processes works again');
      failing = false;
    } catch (error) {
      if (!failing) {
        const reason = error instanceof Error ? error.message : String(error);
        console.warn(`Mnemo: reading changes of other processes failed, retrying: ${reason}`);
      }
      failing = true;
    }
  }

  const timer = setInterval(() => {
    polling ??= poll().finally(() => {
      polling = undefined;
    });
  }, intervalMs);
  timer.unref();

  return {
    /** Stops polling and waits for a read under way. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await polling;
    },
  };
}
