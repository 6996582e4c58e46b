import type { Db } from './database';
import type { BatchHooks } from './write-queue';

/**
 * Full-text indexing of new messages once per write batch instead of once per row
 * (migration 6 says why): deferral goes on before the batch's first write; after its
 * last, the messages the batch listed are indexed in one statement and deferral goes
 * off again, all inside the batch's transaction.
 */
export function ftsDeferral(db: Db): BatchHooks {
  const on = db.prepare('UPDATE fts_deferral SET deferred = 1');
  const indexPending = db.prepare(
    `INSERT INTO messages_fts(rowid, content, fts_conversation)
     SELECT m.seq, m.content, m.fts_conversation FROM fts_pending p JOIN messages m ON m.seq = p.seq ORDER BY p.seq`,
  );
  const clearPending = db.prepare('DELETE FROM fts_pending');
  const off = db.prepare('UPDATE fts_deferral SET deferred = 0');
  return {
    beforeBatch: () => {
      on.run();
    },
    afterBatch: () => {
      indexPending.run();
      clearPending.run();
      off.run();
    },
  };
}
