/**
 * Retention (SPEC 1 and the flows' setting): at start and then every hour, conversations
 * of a flow with `retentionDays` that saw no message for that many days go to the trash,
 * and the trash forgets what it has held for 30 days. A pass that fails (a full disk,
 * another process holding the lock) is logged once and retried after 1 s, 2 s, ... up to
 * a minute until one works, rather than waiting for the next hour.
 */
import type { Store } from '../store';
import { backgroundRetry } from '../store/background-retry';
import type { EventBus } from './events';
import { publishDeleted } from './sessions';
import { TRASH_RETENTION_MS } from './trash';

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** A shared store's last pass (epoch ms, in settings), and how early another process may run the next. */
const LAST_PASS_KEY = 'retention.lastPassAt';
const PASS_SLACK_MS = 60 * 1000;

export interface RetentionRun {
  /** Conversations moved to the trash for being idle. */
  trashed: number;
  /** Conversations purged from the trash for being there more than 30 days. */
  purged: number;
}

export function retentionService(store: Store, events: EventBus) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const retry = backgroundRetry('the retention pass');
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

  /**
   * The start's and the hourly pass. Processes sharing a PostgreSQL store run it once per
   * period between them: under a lock, and only when none ran it in the last period.
   */
  async function scheduledPass(): Promise<void> {
    if (store.backend.kind === 'sqlite') {
      await run();
      return;
    }
    await store.ifUnlocked('mnemo.retention', async () => {
      const now = Date.now();
      const last = Number(await store.getSetting(LAST_PASS_KEY));
      if (Number.isFinite(last) && now - last < RETENTION_INTERVAL_MS - PASS_SLACK_MS && now >= last) return;
      await run(now);
      await store.setSetting(LAST_PASS_KEY, String(now));
    });
  }

  async function runInBackground(): Promise<void> {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    try {
      await scheduledPass();
      retry.succeeded();
    } catch (error) {
      const delay = retry.failed(error);
      if (stopped) return;
      retryTimer = setTimeout(runInBackground, delay);
      retryTimer.unref();
    }
  }

  return {
    run,
    /** Runs a pass now (awaited), then every hour until stop(). */
    async start(): Promise<void> {
      stopped = false;
      await runInBackground();
      timer ??= setInterval(runInBackground, RETENTION_INTERVAL_MS);
      timer.unref();
    },
    /** Stops the hourly pass and waits for one that is running. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      clearTimeout(retryTimer);
      timer = undefined;
      retryTimer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

export type RetentionService = ReturnType<typeof retentionService>;
