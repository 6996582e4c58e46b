import type { Db } from './database';
import { listMessagesSql } from './messages';
import { searchSql } from './search';
import { NEWEST_IN_SET_SQL } from './search-list';
import { memoriesSql } from './sim-memories';

/**
 * For tests and the benchmark only: SQLite's plans (EXPLAIN QUERY PLAN) for the reads
 * of the Flowise, Sim and search routes, with sample values bound. The session list has
 * its own (sessions.ts, debugExplain), but for the search walk's batches against the set.
 */
export function queryPlanQueries(db: Db) {
  const plan = (sql: string, params: Record<string, unknown>): string[] =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((s) => s.detail);
  return {
    debugQueryPlans: async (): Promise<Record<string, string[]>> => {
      const flowise = listMessagesSql({ flowId: 'f', sessionId: 's' }, { order: 'ASC' });
      return {
        'Flowise chat messages of one session': plan(flowise.sql, flowise.params),
        'Sim get by conversationId': plan(memoriesSql({ sessionId: 's' }), { sessionId: 's' }),
        'Sim get by conversationId and blockId': plan(memoriesSql({ sessionId: 's', flowId: 'f' }), {
          sessionId: 's',
          flowId: 'f',
        }),
        'full-text search': plan(searchSql(false), { q: '"word"', limit: 50 }),
        'session list search walk, a batch against the set of matches': plan(NEWEST_IN_SET_SQL, {
          ids: '[1, 2]',
          mq: 'content : ("word")',
        }),
      };
    },
  };
}
