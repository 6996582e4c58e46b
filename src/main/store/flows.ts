import type { Db } from './database';
import type { FlowRecord } from './types';
import type { WriteQueue } from './write-queue';

interface FlowRow {
  id: string;
  name: string;
  responder: string;
  created_at: number;
  updated_at: number;
}

const toFlow = (row: FlowRow): FlowRecord => ({
  id: row.id,
  name: row.name,
  responder: JSON.parse(row.responder),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function flowQueries(db: Db, writes: WriteQueue) {
  const all = db.prepare<[], FlowRow>("SELECT * FROM flows ORDER BY id = 'default' DESC, name, id");
  const one = db.prepare<[string], FlowRow>('SELECT * FROM flows WHERE id = ?');
  const byName = db.prepare<[string], FlowRow>(
    'SELECT * FROM flows WHERE name = ? ORDER BY created_at LIMIT 1',
  );
  const insertIfAbsent = db.prepare(
    'INSERT OR IGNORE INTO flows (id, name, responder, created_at, updated_at) VALUES (@id, @name, @responder, @now, @now)',
  );
  const update = db.prepare(
    'UPDATE flows SET name = @name, responder = @responder, updated_at = @now WHERE id = @id',
  );
  const remove = db.prepare<[string]>('DELETE FROM flows WHERE id = ?');

  return {
    listFlows: async (): Promise<FlowRecord[]> => all.all().map(toFlow),
    getFlow: async (id: string): Promise<FlowRecord | undefined> => {
      const row = one.get(id);
      return row && toFlow(row);
    },
    findFlowByName: async (name: string): Promise<FlowRecord | undefined> => {
      const row = byName.get(name);
      return row && toFlow(row);
    },
    /** Creates the flow; false when the id is taken. */
    createFlow: (flow: { id: string; name: string; responder: unknown }): Promise<boolean> =>
      writes.run(
        () =>
          insertIfAbsent.run({ ...flow, responder: JSON.stringify(flow.responder), now: Date.now() })
            .changes === 1,
      ),
    /** Creates the flow unless it exists, in the same transaction as whatever follows. */
    ensureFlowSync: (flow: { id: string; name: string; responder: unknown }): void => {
      insertIfAbsent.run({ ...flow, responder: JSON.stringify(flow.responder), now: Date.now() });
    },
    updateFlow: (flow: { id: string; name: string; responder: unknown }): Promise<boolean> =>
      writes.run(
        () =>
          update.run({ ...flow, responder: JSON.stringify(flow.responder), now: Date.now() }).changes === 1,
      ),
    /** Deletes the flow and, by cascade, its conversations and messages. */
    deleteFlow: (id: string): Promise<boolean> => writes.run(() => remove.run(id).changes === 1),
  };
}
