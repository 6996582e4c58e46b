/** Flows and settings on PostgreSQL. */
import { type FlowRow, type FlowSettings, toFlow } from '../flows';
import type { FlowRecord, FlowWithCount } from '../types';
import type { Database, Queryable } from './db';

export const flowParams = (flow: FlowSettings) => [
  flow.id,
  flow.name,
  JSON.stringify(flow.responder),
  flow.retentionDays ?? null,
  Date.now(),
  flow.publicEmbed ? 1 : 0,
];

/** Creates a flow unless it exists; $1 its id, then the rest of flowParams. */
const INSERT_IF_ABSENT = `INSERT INTO flows (id, name, responder, retention_days, created_at, updated_at, public_embed)
  VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`;

/** Creates the flow unless it exists, inside `tx`; true when created. */
export const ensureFlowIn = async (tx: Queryable, flow: FlowSettings): Promise<boolean> =>
  (await tx.prepared(INSERT_IF_ABSENT, flowParams(flow))).length === 1;

const ORDER = `ORDER BY f.id = 'default' DESC, f.name COLLATE "C", f.id COLLATE "C"`;
/** The trigger-kept count (migration 3), as SQLite's live_counts. */
const LIVE = '(SELECT coalesce(sum(l.n), 0)::bigint FROM live_counts l WHERE l.flow_id = f.id)';

type CountedRow = FlowRow & { session_count: number };
const withCount = (row: CountedRow): FlowWithCount => ({ ...toFlow(row), sessionCount: row.session_count });

export function flowQueries(db: Database) {
  return {
    listFlows: async (): Promise<FlowRecord[]> =>
      (await db.prepared<FlowRow>(`SELECT * FROM flows f ${ORDER}`)).map(toFlow),
    listFlowsWithCounts: async (): Promise<FlowWithCount[]> =>
      (await db.prepared<CountedRow>(`SELECT f.*, ${LIVE} AS session_count FROM flows f ${ORDER}`)).map(
        withCount,
      ),
    getFlowWithCount: async (id: string): Promise<FlowWithCount | undefined> => {
      const row = await db.one<CountedRow>(
        `SELECT f.*, ${LIVE} AS session_count FROM flows f WHERE f.id = $1`,
        [id],
      );
      return row && withCount(row);
    },
    getFlow: async (id: string): Promise<FlowRecord | undefined> => {
      const row = await db.one<FlowRow>('SELECT * FROM flows WHERE id = $1', [id]);
      return row && toFlow(row);
    },
    createFlow: (flow: FlowSettings): Promise<boolean> => db.transaction((tx) => ensureFlowIn(tx, flow)),
    updateFlow: async (flow: FlowSettings): Promise<boolean> =>
      (
        await db.prepared(
          'UPDATE flows SET name = $2, responder = $3, retention_days = $4, updated_at = $5, public_embed = $6 WHERE id = $1 RETURNING id',
          flowParams(flow),
        )
      ).length === 1,
    deleteFlow: (id: string): Promise<number | undefined> =>
      db.transaction(async (tx) => {
        const count = await tx.one<{ n: number }>(
          'SELECT count(*) AS n FROM conversations WHERE flow_id = $1',
          [id],
        );
        const gone = await tx.prepared('DELETE FROM flows WHERE id = $1 RETURNING id', [id]);
        return gone.length === 1 ? (count?.n ?? 0) : undefined;
      }),

    getSetting: async (key: string): Promise<string | undefined> =>
      (await db.one<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))?.value,
    setSetting: async (key: string, value: string): Promise<void> => {
      await db.prepared(
        'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, value],
      );
    },
    deleteSetting: async (key: string): Promise<void> => {
      await db.prepared('DELETE FROM settings WHERE key = $1', [key]);
    },
  };
}
