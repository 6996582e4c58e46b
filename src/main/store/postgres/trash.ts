/** The trash and retention on PostgreSQL: pages of it, restore (by ids, by bulk-delete batch or flow), purge, expiry. */
import { toConversation } from '../messages';
import type { Page, SortKey } from '../sessions';
import type { SessionKeyRecord, TrashRecord } from '../trash';
import type { Database, Queryable } from './db';
import { refreshConversation } from './messages';
import { type PgSessionRow, params, SESSION_COLUMNS } from './sql';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Restores trashed conversations in the order given, inside `tx`. One whose key a live
 * conversation holds now is merged into it: its messages move over (they interleave by
 * time), a title a person gave it survives unless the live one has one too, and the
 * trashed row goes. Ids not in the trash are skipped.
 */
async function restoreRows(tx: Queryable, ids: number[]): Promise<SessionKeyRecord[]> {
  const restored: SessionKeyRecord[] = [];
  for (const id of ids) {
    const row = await tx.one<PgSessionRow>(
      'SELECT * FROM conversations WHERE id = $1 AND trashed_at IS NOT NULL FOR UPDATE',
      [id],
    );
    if (!row) continue;
    const live = await tx.one<{ id: number }>(
      'SELECT id FROM conversations WHERE flow_id = $1 AND session_id = $2 AND trashed_at IS NULL FOR UPDATE',
      [row.flow_id, row.session_id],
    );
    if (live) {
      await tx.prepared('UPDATE messages SET conversation_id = $1 WHERE conversation_id = $2', [
        live.id,
        row.id,
      ]);
      await tx.prepared('UPDATE message_terms SET conversation_id = $1 WHERE conversation_id = $2', [
        live.id,
        row.id,
      ]);
      if (row.title_custom) {
        await tx.prepared(
          `UPDATE conversations SET title = $1, title_custom = true, title_terms = (SELECT title_terms FROM conversations WHERE id = $3)
           WHERE id = $2 AND NOT title_custom`,
          [row.title, live.id, row.id],
        );
      }
      await tx.prepared('DELETE FROM conversations WHERE id = $1', [row.id]);
      await refreshConversation(tx, live.id);
    } else {
      await tx.prepared('UPDATE conversations SET trashed_at = NULL, trash_batch = NULL WHERE id = $1', [
        row.id,
      ]);
    }
    restored.push({ flowId: row.flow_id, sessionId: row.session_id });
  }
  return restored;
}

export function trashQueries(db: Database) {
  return {
    /** The trash (or one flow's part of it), most recently trashed first (ties: newest row first). */
    listTrash: async (options: {
      limit: number;
      after?: SortKey;
      flowId?: string;
    }): Promise<Page<TrashRecord> & { total: number }> => {
      const p = params();
      const byFlow = options.flowId === undefined ? '' : `AND c.flow_id = ${p.add(options.flowId)}`;
      const counted = [...p.values];
      const after = options.after
        ? `AND (c.trashed_at, c.id) < (${p.add(options.after.key)}, ${p.add(options.after.id)})`
        : '';
      const rows = await db.prepared<PgSessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.trashed_at IS NOT NULL ${byFlow} ${after}
         ORDER BY c.trashed_at DESC, c.id DESC LIMIT ${p.add(options.limit + 1)}`,
        p.values,
      );
      const more = rows.length > options.limit;
      const page = more ? rows.slice(0, options.limit) : rows;
      const last = page[page.length - 1];
      const total = await db.one<{ n: number }>(
        `SELECT count(*) AS n FROM conversations c WHERE c.trashed_at IS NOT NULL ${byFlow}`,
        counted,
      );
      return {
        items: page.map((row) => ({
          ...toConversation(row),
          flowName: row.flow_name,
          trashedAt: row.trashed_at ?? 0,
        })),
        next: more && last ? { key: last.trashed_at ?? 0, id: last.id } : null,
        total: total?.n ?? 0,
      };
    },

    restoreTrash: (ids: number[]): Promise<SessionKeyRecord[]> =>
      db.transaction((tx) => restoreRows(tx, ids)),

    /**
     * Restores, in one transaction, the trashed conversations of one bulk delete (`batch`)
     * and/or one flow, or the whole trash: the most recently trashed first, at most
     * `limit` of them. `remaining`: how many such are still in the trash afterwards.
     */
    restoreTrashMatching: (filter: {
      batch?: number;
      flowId?: string;
      limit?: number;
    }): Promise<{ restored: SessionKeyRecord[]; remaining: number }> =>
      db.transaction(async (tx) => {
        const p = params();
        const where = ['trashed_at IS NOT NULL'];
        if (filter.batch !== undefined) where.push(`trash_batch = ${p.add(filter.batch)}`);
        if (filter.flowId !== undefined) where.push(`flow_id = ${p.add(filter.flowId)}`);
        const sql = where.join(' AND ');
        const matching = [...p.values];
        const limit = filter.limit === undefined ? '' : ` LIMIT ${p.add(filter.limit)}`;
        const ids = await tx.prepared<{ id: number }>(
          `SELECT id FROM conversations WHERE ${sql} ORDER BY trashed_at DESC, id DESC${limit}`,
          p.values,
        );
        const restored = await restoreRows(
          tx,
          ids.map((r) => r.id),
        );
        const left = await tx.one<{ n: number }>(
          `SELECT count(*) AS n FROM conversations WHERE ${sql}`,
          matching,
        );
        return { restored, remaining: left?.n ?? 0 };
      }),

    purgeTrash: async (ids?: number[]): Promise<number> => {
      const rows =
        ids === undefined
          ? await db.prepared('DELETE FROM conversations WHERE trashed_at IS NOT NULL RETURNING id')
          : await db.prepared(
              'DELETE FROM conversations WHERE trashed_at IS NOT NULL AND id = ANY($1::bigint[]) RETURNING id',
              [ids],
            );
      return rows.length;
    },

    expireTrash: async (cutoff: number): Promise<number> =>
      (
        await db.prepared(
          'DELETE FROM conversations WHERE trashed_at IS NOT NULL AND trashed_at < $1 RETURNING id',
          [cutoff],
        )
      ).length,

    trashIdle: async (now: number): Promise<SessionKeyRecord[]> => {
      const rows = await db.prepared<{ flow_id: string; session_id: string }>(
        `UPDATE conversations c SET trashed_at = $1 FROM flows f
         WHERE f.id = c.flow_id AND f.retention_days IS NOT NULL AND c.trashed_at IS NULL
           AND c.updated_at < $1 - f.retention_days::bigint * ${DAY_MS}
         RETURNING c.flow_id, c.session_id`,
        [now],
      );
      return rows.map((row) => ({ flowId: row.flow_id, sessionId: row.session_id }));
    },
  };
}
