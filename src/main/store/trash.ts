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
  const firstPage = db.prepare<{ limit: number }, SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.trashed_at IS NOT NULL
     ORDER BY c.trashed_at DESC, c.id DESC ${limitParam('limit')}`,
  );
  const nextPage = db.prepare<{ limit: number; afterKey: number; afterId: number }, SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM conversations c WHERE c.trashed_at IS NOT NULL
     AND (c.trashed_at, c.id) < (@afterKey, @afterId) ORDER BY c.trashed_at DESC, c.id DESC ${limitParam('limit')}`,
  );
  const count = db.prepare<[], { n: number }>(
    'SELECT count(*) AS n FROM conversations WHERE trashed_at IS NOT NULL',
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
  const untrash = db.prepare<[number]>('UPDATE conversations SET trashed_at = NULL WHERE id = ?');
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

  return {
    /** The trash, most recently trashed first (ties: newest row first). */
    listTrash: async (options: {
      limit: number;
      after?: SortKey;
    }): Promise<Page<TrashRecord> & { total: number }> => {
      const limit = options.limit + 1;
      const rows = options.after
        ? nextPage.all({ limit, afterKey: options.after.key, afterId: options.after.id })
        : firstPage.all({ limit });
      const more = rows.length > options.limit;
      const page = more ? rows.slice(0, options.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map(toTrash),
        next: more && last ? { key: last.trashed_at ?? 0, id: last.id } : null,
        total: count.get()?.n ?? 0,
      };
    },

    /**
     * Restores trashed conversations, in the order given, in one write. One whose key a
     * live conversation holds now is merged into it: its messages move over (they
     * interleave by time), a title a person gave it survives unless the live one has
     * one too, and the trashed row goes. Ids not in the trash are skipped.
     */
    restoreTrash: (ids: number[]): Promise<SessionKeyRecord[]> =>
      writes.run(() => {
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
