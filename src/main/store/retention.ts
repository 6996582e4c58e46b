import type { Db } from './database';
import type { SessionKeyRecord } from './trash';
import type { WriteQueue } from './write-queue';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Retention: flows that trash conversations after a number of days without activity. */
export function retentionQueries(db: Db, writes: WriteQueue) {
  const flowsWithRetention = db.prepare<[], { id: string; retention_days: number }>(
    'SELECT id, retention_days FROM flows WHERE retention_days IS NOT NULL',
  );
  // Reads the (flow_id, updated_at, ...) list index: only the idle ones are touched.
  const trashIdleOfFlow = db.prepare<
    { flowId: string; cutoff: number; now: number },
    { flow_id: string; session_id: string }
  >(
    `UPDATE conversations SET trashed_at = @now
     WHERE flow_id = @flowId AND trashed_at IS NULL AND updated_at < @cutoff
     RETURNING flow_id, session_id`,
  );

  return {
    /**
     * Moves to the trash, in one write, every live conversation of a flow with a
     * retention whose last message is older than that many days before `now`.
     */
    trashIdle: (now: number): Promise<SessionKeyRecord[]> =>
      writes.run(() =>
        flowsWithRetention
          .all()
          .flatMap((flow) =>
            trashIdleOfFlow
              .all({ flowId: flow.id, cutoff: now - flow.retention_days * DAY_MS, now })
              .map((row) => ({ flowId: row.flow_id, sessionId: row.session_id })),
          ),
      ),
  };
}
