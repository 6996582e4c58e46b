import type { Db } from './database';
import { limitParam } from './limit';
import { type ConversationRow, toConversation } from './messages';
import {
  type Page,
  SESSION_COLUMNS,
  type SessionRow,
  type SessionSummaryRecord,
  type SortKey,
} from './sessions';
import { statementCache } from './statement-cache';
import type { WriteQueue } from './write-queue';

export interface TrashRecord extends SessionSummaryRecord {
  trashedAt: number;
}

export interface SessionKeyRecord {
  flowId: string;
  sessionId: string;
}

/**
 * The trash: conversations with `trashed_at` set. They keep their messages (and their
 * place in the full-text index) but not their (flow, session) key, so a new
 * conversation can take it; restoring merges them back into such a one.
 */
export function trashQueries(db: Db, writes: WriteQueue, refreshSync: (conversationId: number) => void) {
  const cached = statementCache(db);
  // One statement per (page, flow filter) shape; @flowId is only bound where it is used.
  const pageQuery = (next: boolean, byFlow: boolean) =>
    db.prepare<Record<string, unknown>, SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.trashed_at IS NOT NULL
       ${byFlow ? 'AND c.flow_id = @flowId' : ''}
       ${next ? 'AND (c.trashed_at, c.id) < (@afterKey, @afterId)' : ''}
       ORDER BY c.trashed_at DESC, c.id DESC ${limitParam('limit')}`,
    );
  const pages = {
    first: pageQuery(false, false),
    next: pageQuery(true, false),
    firstInFlow: pageQuery(false, true),
    nextInFlow: pageQuery(true, true),
  };
  const count = db.prepare<[], { n: number }>(
    'SELECT count(*) AS n FROM conversations WHERE trashed_at IS NOT NULL',
  );
  const countInFlow = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM conversations WHERE trashed_at IS NOT NULL AND flow_id = ?',
  );
  const trashedById = db.prepare<[number], ConversationRow & { title_custom: number }>(
    'SELECT * FROM conversations WHERE id = ? AND trashed_at IS NOT NULL',
  );
  const liveByKey = db.prepare<[string, string], ConversationRow & { title_custom: number }>(
    'SELECT * FROM conversations WHERE flow_id = ? AND session_id = ? AND trashed_at IS NULL',
  );
  const moveMessages = db.prepare<[number, number]>(
    'UPDATE messages SET conversation_id = ? WHERE conversation_id = ?',
  );
  const takeCustomTitle = db.prepare<[string | null, number]>(
    'UPDATE conversations SET title = ?, title_custom = 1 WHERE id = ? AND title_custom = 0',
  );
  const untrash = db.prepare<[number]>(
    'UPDATE conversations SET trashed_at = NULL, trash_batch = NULL WHERE id = ?',
  );
  const deleteOne = db.prepare<[number]>('DELETE FROM conversations WHERE id = ? AND trashed_at IS NOT NULL');
  const deleteAll = db.prepare('DELETE FROM conversations WHERE trashed_at IS NOT NULL');
  const deleteOlder = db.prepare<[number]>(
    'DELETE FROM conversations WHERE trashed_at IS NOT NULL AND trashed_at < ?',
  );

  const toTrash = (row: SessionRow): TrashRecord => ({
    ...toConversation(row),
    flowName: row.flow_name,
    trashedAt: row.trashed_at ?? 0,
  });

  /**
   * Restores trashed conversations, in the order given (inside a write). One whose key a
   * live conversation holds now is merged into it: its messages move over (they
   * interleave by time), a title a person gave it survives unless the live one has
   * one too, and the trashed row goes. Ids not in the trash are skipped.
   */
  const restoreRows = (ids: number[]): SessionKeyRecord[] => {
    const restored: SessionKeyRecord[] = [];
    for (const id of ids) {
      const row = trashedById.get(id);
      if (!row) continue;
      const live = liveByKey.get(row.flow_id, row.session_id);
      if (live) {
        moveMessages.run(live.id, row.id);
        if (row.title_custom === 1) takeCustomTitle.run(row.title, live.id);
        deleteOne.run(row.id);
        refreshSync(live.id);
      } else {
        untrash.run(row.id);
      }
      restored.push({ flowId: row.flow_id, sessionId: row.session_id });
    }
    return restored;
  };

  return {
    /** The trash (or one flow's part of it), most recently trashed first (ties: newest row first). */
    listTrash: async (options: {
      limit: number;
      after?: SortKey;
      flowId?: string;
    }): Promise<Page<TrashRecord> & { total: number }> => {
      const limit = options.limit + 1;
      const { after, flowId } = options;
      const params = {
        limit,
        ...(after ? { afterKey: after.key, afterId: after.id } : {}),
        ...(flowId === undefined ? {} : { flowId }),
      };
      const statement =
        flowId === undefined
          ? after
            ? pages.next
            : pages.first
          : after
            ? pages.nextInFlow
            : pages.firstInFlow;
      const rows = statement.all(params);
      const more = rows.length > options.limit;
      const page = more ? rows.slice(0, options.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map(toTrash),
        next: more && last ? { key: last.trashed_at ?? 0, id: last.id } : null,
        total: (flowId === undefined ? count.get() : countInFlow.get(flowId))?.n ?? 0,
      };
    },

    /**
     * Restores trashed conversations, in the order given, in one write. One whose key a
     * live conversation holds now is merged into it: its messages move over (they
     * interleave by time), a title a person gave it survives unless the live one has
     * one too, and the trashed row goes. Ids not in the trash are skipped.
     */
    restoreTrash: (ids: number[]): Promise<SessionKeyRecord[]> => writes.run(() => restoreRows(ids)),

    /**
     * Restores, in one write, the trashed conversations of one bulk delete (`batch`) and/or
     * one flow, or the whole trash: the most recently trashed first, at most `limit` of
     * them. `remaining`: how many such are still in the trash afterwards.
     */
    restoreTrashMatching: (filter: {
      batch?: number;
      flowId?: string;
      limit?: number;
    }): Promise<{ restored: SessionKeyRecord[]; remaining: number }> =>
      writes.run(() => {
        const where = ['trashed_at IS NOT NULL'];
        const params: Record<string, unknown> = {};
        if (filter.batch !== undefined) {
          where.push('trash_batch = @batch');
          params.batch = filter.batch;
        }
        if (filter.flowId !== undefined) {
          where.push('flow_id = @flowId');
          params.flowId = filter.flowId;
        }
        const sql = where.join(' AND ');
        const limit = filter.limit === undefined ? '' : ` ${limitParam('limit')}`;
        const ids = (
          cached(`SELECT id FROM conversations WHERE ${sql} ORDER BY trashed_at DESC, id DESC${limit}`).all(
            filter.limit === undefined ? params : { ...params, limit: filter.limit },
          ) as Array<{ id: number }>
        ).map((r) => r.id);
        const restored = restoreRows(ids);
        const left = cached(`SELECT count(*) AS n FROM conversations WHERE ${sql}`).get(params) as {
          n: number;
        };
        return { restored, remaining: left.n };
      }),

    /** Deletes trashed conversations for good: these ids, or all. Returns how many went. */
    purgeTrash: (ids?: number[]): Promise<number> =>
      writes.run(() => {
        if (ids === undefined) return deleteAll.run().changes;
        let purged = 0;
        for (const id of ids) purged += deleteOne.run(id).changes;
        return purged;
      }),

    /** Deletes for good what was trashed before `cutoff` (epoch ms). */
    expireTrash: (cutoff: number): Promise<number> => writes.run(() => deleteOlder.run(cutoff).changes),
  };
}
