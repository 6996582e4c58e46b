/**
 * What other processes on the same PostgreSQL database wrote, for this process's live
 * events: the tables' triggers (migration 1) send a notification per changed
 * conversation or flow, delivered at commit; one connection of this process LISTENs and
 * keeps those of other origins until the relay reads them (a few times a second).
 * Notifications sent while the listener was down are lost, so a reconnect reports
 * `missed`, and the relay then refreshes every flow.
 */
import pg from 'pg';
import type { ChangeRecord, ForeignChanges } from '../change-feed';

const CHANNEL = 'mnemo_changes';
const RECONNECT_MS = 1_000;

interface Payload {
  o: string;
  f: string;
  s?: string;
  b?: boolean | null;
  a?: boolean | null;
}

export async function listenForChanges(url: string, origin: number) {
  let pending: ChangeRecord[] = [];
  let missed = false;
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (!message.payload) return;
      const change = JSON.parse(message.payload) as Payload;
      if (change.o === String(origin)) return;
      pending.push({
        flowId: change.f,
        sessionId: change.s ?? null,
        liveBefore: change.b ?? null,
        liveAfter: change.a ?? null,
      });
    });
    next.on('error', () => {
      // The connection broke: what was sent meanwhile is lost; listen again.
      missed = true;
      next.end().catch(() => {});
      if (client === next) client = undefined;
      schedule();
    });
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    client = next;
  }

  function schedule(): void {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch(() => schedule());
    }, RECONNECT_MS);
    timer.unref();
  }

  await connect();

  return {
    readForeignChanges: async (): Promise<ForeignChanges | undefined> => {
      if (pending.length === 0 && !missed) return undefined;
      const read = { changes: pending, missed };
      pending = [];
      missed = false;
      return read;
    },
    stop: async (): Promise<void> => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
