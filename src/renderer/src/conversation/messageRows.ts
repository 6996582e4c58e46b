import type { Message } from '../../../shared/schemas/sessions';
import type { PendingTurn } from './Composer';

/** A row of the message list: a stored message, or the turn the composer is sending. */
export type MessageRow =
  | { key: string; kind: 'message'; message: Message }
  | { key: 'pending-question'; kind: 'question'; content: string }
  | { key: 'pending-answer'; kind: 'answer'; content: string };

/**
 * Pages arrive newest first; the list shows oldest at the top. A message is shown once
 * even if two pages were read across a change and both hold it.
 */
export function toRows(
  pages: ReadonlyArray<{ messages: Message[] }>,
  pending: PendingTurn | undefined,
): MessageRow[] {
  const rows: MessageRow[] = [];
  const seen = new Set<string>();
  for (let p = pages.length - 1; p >= 0; p--) {
    const messages = pages[p]?.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      // A regenerated answer takes the place of the one it will replace.
      if (!message || seen.has(message.id) || message.id === pending?.replaces) continue;
      seen.add(message.id);
      rows.push({ key: message.id, kind: 'message', message });
    }
  }
  if (pending) {
    if (pending.question !== undefined)
      rows.push({ key: 'pending-question', kind: 'question', content: pending.question });
    rows.push({ key: 'pending-answer', kind: 'answer', content: pending.answer || '…' });
  }
  return rows;
}

const CHARS_PER_LINE = 90;
const LINE_PX = 22;
const FRAME_PX = 64;
const MAX_ESTIMATE_PX = 900;

/**
 * A first guess at a row's height from its text, before it is measured: the closer the
 * guess, the less the rows above the screen shift when they are measured.
 */
export function estimateRowHeight(row: MessageRow | undefined): number {
  if (!row) return FRAME_PX + LINE_PX;
  const text = row.kind === 'message' ? row.message.content : row.content;
  let lines = 0;
  let start = 0;
  // Count wrapped lines per paragraph line, stopping once the guess is at its cap anyway.
  while (start <= text.length && lines * LINE_PX < MAX_ESTIMATE_PX) {
    const end = text.indexOf('\n', start);
    const length = (end === -1 ? text.length : end) - start;
    lines += Math.max(1, Math.ceil(length / CHARS_PER_LINE));
    if (end === -1) break;
    start = end + 1;
  }
  return Math.min(FRAME_PX + lines * LINE_PX, MAX_ESTIMATE_PX);
}
