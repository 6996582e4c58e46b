/**
 * Retention (SPEC 1 and the flows' setting): at start and then every hour, conversations
 * of a flow with `retentionDays` that saw no message for that many days go to the trash,
 * and the trash forgets what it has held for 30 days.
 */
import type { Store } from '../store';
import type { EventBus } from './events';
import { publishDeleted } from './sessions';
import { TRASH_RETENTION_MS } from './trash';

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export interface RetentionRun {
  /** Conversations moved to the trash for being idle. */
  trashed: number;
  /** Conversations purged from the trash for being there more than 30 days. */
  purged: number;
}

export function retentionService(store: Store, events: EventBus) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<RetentionRun> | undefined;

  async function runOnce(now: number): Promise<RetentionRun> {
    const purged = await store.expireTrash(now - TRASH_RETENTION_MS);
    const trashed = await store.trashIdle(now);
    if (trashed.length > 0) publishDeleted(events, trashed, true);
    else if (purged > 0) events.publish({ type: 'trash.changed' });
    return { trashed: trashed.length, purged };
  }

  /** One pass; a pass asked for while one runs waits for it instead of overlapping. */
  async function run(now = Date.now()): Promise<RetentionRun> {
    while (running) await running.catch(() => undefined);
    running = runOnce(now);
    try {
      return await running;
    } finally {
      running = undefined;
    }
  }

  const runLogged = () =>
    run().catch((error: unknown) => {
      console.error('Mnemo: the retention pass failed:', error);
    });

  return {
    run,
    /** Runs a pass now (awaited), then every hour until stop(). */
    async start(): Promise<void> {
      await runLogged();
      timer ??= setInterval(runLogged, RETENTION_INTERVAL_MS);
      timer.unref();
    },
    /** Stops the hourly pass and waits for one that is running. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

export type RetentionService = ReturnType<typeof retentionService>;
