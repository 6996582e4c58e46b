/** Small helpers shared by the PostgreSQL store's queries. */
import type { ConversationRow } from '../messages';
import { toConversation } from '../messages';
import type { SessionSummaryRecord } from '../sessions';

/** Numbered parameters for a statement whose text depends on which filters are set. */
export function params() {
  const values: unknown[] = [];
  return {
    values,
    /** The placeholder of a new parameter holding `value`. */
    add(value: unknown): string {
      values.push(value);
      return `$${values.length}`;
    },
  };
}

export type PgConversationRow = ConversationRow & { title_custom: boolean };
export type PgSessionRow = PgConversationRow & { flow_name: string };

/** A conversation as lists show it, with its flow's name. */
export const SESSION_COLUMNS = `c.id, c.flow_id, c.session_id, c.title, c.title_custom, c.preview, c.message_count,
  c.created_at, c.updated_at, c.trashed_at, (SELECT name FROM flows WHERE id = c.flow_id) AS flow_name`;

export const toSummary = (row: PgSessionRow): SessionSummaryRecord => ({
  ...toConversation(row),
  flowName: row.flow_name,
});

/** A message's place in its conversation's order. */
export interface Position {
  time: number;
  seq: number;
}
