import type { Db } from './database';
import type { FlowRecord, FlowWithCount } from './types';
import type { WriteQueue } from './write-queue';

export interface FlowRow {
  id: string;
  name: string;
  responder: string;
  retention_days: number | null;
  public_embed: number;
  created_at: number;
  updated_at: number;
}

export const toFlow = (row: FlowRow): FlowRecord => ({
  id: row.id,
  name: row.name,
  responder: JSON.parse(row.responder),
  retentionDays: row.retention_days,
  publicEmbed: row.public_embed === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** What a flow is made of (its times are the store's). */
export interface FlowSettings {
  id: string;
  name: string;
  responder: unknown;
  /** Absent or null: conversations are kept however old. */
  retentionDays?: number | null;
  /** Absent or false: every route of the flow needs the key. */
  publicEmbed?: boolean;
}

const flowParams = (flow: FlowSettings) => ({
  id: flow.id,
  name: flow.name,
  responder: JSON.stringify(flow.responder),
  retentionDays: flow.retentionDays ?? null,
  publicEmbed: flow.publicEmbed ? 1 : 0,
  now: Date.now(),
});

export function flowQueries(db: Db, writes: WriteQueue) {
  const all = db.prepare<[], FlowRow>("SELECT * FROM flows ORDER BY id = 'default' DESC, name, id");
  const one = db.prepare<[string], FlowRow>('SELECT * FROM flows WHERE id = ?');
  const byName = db.prepare<[string], FlowRow>(
    'SELECT * FROM flows WHERE name = ? ORDER BY created_at LIMIT 1',
  );
  const insertIfAbsent = db.prepare(
    `INSERT OR IGNORE INTO flows (id, name, responder, retention_days, public_embed, created_at, updated_at)
     VALUES (@id, @name, @responder, @retentionDays, @publicEmbed, @now, @now)`,
  );
  const update = db.prepare(
    'UPDATE flows SET name = @name, responder = @responder, retention_days = @retentionDays, public_embed = @publicEmbed, updated_at = @now WHERE id = @id',
  );
  const remove = db.prepare<[string]>('DELETE FROM flows WHERE id = ?');
  // Kept by triggers (live_counts, migration 6): read, not counted, on every sidebar load.
  const liveSessions = '(SELECT coalesce(sum(conversations), 0) FROM live_counts lc WHERE lc.flow_id = f.id)';
  const allCounted = db.prepare<[], FlowRow & { session_count: number }>(
    `SELECT f.*, ${liveSessions} AS session_count FROM flows f ORDER BY f.id = 'default' DESC, f.name, f.id`,
  );
  const oneCounted = db.prepare<[string], FlowRow & { session_count: number }>(
    `SELECT f.*, ${liveSessions} AS session_count FROM flows f WHERE f.id = ?`,
  );
  const conversationsOf = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM conversations WHERE flow_id = ?',
  );
  const withCount = (row: FlowRow & { session_count: number }): FlowWithCount => ({
    ...toFlow(row),
    sessionCount: row.session_count,
  });

  return {
    listFlows: async (): Promise<FlowRecord[]> => all.all().map(toFlow),
    /** Every flow with how many live (not trashed) conversations it holds. */
    listFlowsWithCounts: async (): Promise<FlowWithCount[]> => allCounted.all().map(withCount),
    getFlowWithCount: async (id: string): Promise<FlowWithCount | undefined> => {
      const row = oneCounted.get(id);
      return row && withCount(row);
    },
    getFlow: async (id: string): Promise<FlowRecord | undefined> => {
      const row = one.get(id);
      return row && toFlow(row);
    },
    findFlowByName: async (name: string): Promise<FlowRecord | undefined> => {
      const row = byName.get(name);
      return row && toFlow(row);
    },
    /** Creates the flow; false when the id is taken. */
    createFlow: (flow: FlowSettings): Promise<boolean> =>
      writes.run(() => insertIfAbsent.run(flowParams(flow)).changes === 1),
    /** Creates the flow unless it exists, in the same transaction as whatever follows; true when created. */
    ensureFlowSync: (flow: FlowSettings): boolean => insertIfAbsent.run(flowParams(flow)).changes === 1,
    updateFlow: (flow: FlowSettings): Promise<boolean> =>
      writes.run(() => update.run(flowParams(flow)).changes === 1),
    /**
     * Deletes the flow and, by cascade, its conversations (trashed ones too) and messages.
     * Returns how many conversations went, or undefined when there was no such flow.
     */
    deleteFlow: (id: string): Promise<number | undefined> =>
      writes.run(() => {
        const conversations = conversationsOf.get(id)?.n ?? 0;
        return remove.run(id).changes === 1 ? conversations : undefined;
      }),
  };
}
