import type { Db } from './database';

/** Prepares each SQL text once (for statements whose text depends on which filters are set). */
export function statementCache(db: Db) {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  return (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
