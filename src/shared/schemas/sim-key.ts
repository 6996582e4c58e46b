/**
 * The memory keys Sim's own Memory tools send: `"<conversationId>:<blockId>"` (split on
 * the last colon, so a conversation id may hold colons), or a bare conversation id (block
 * `default`). A get's `query` may leave either side empty to mean "every".
 */
import { FlowId, SessionId } from './common';
import { DEFAULT_FLOW_ID } from './flows';

export interface MemoryKey {
  conversationId: string;
  blockId: string;
}

/** What a `query` selects: a side left out matches every conversation or every block. */
export type MemoryKeyQuery = Partial<MemoryKey>;

/** Either the parsed value or the reason it is refused. */
type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const problem = (side: string, schema: typeof SessionId | typeof FlowId, text: string) => {
  const result = schema.safeParse(text);
  return result.success ? null : `the ${side} ${result.error.issues[0]?.message ?? 'is not valid'}`;
};

function split(text: string): { conversation: string; block: string | null } {
  const colon = text.lastIndexOf(':');
  if (colon === -1) return { conversation: text, block: null };
  return { conversation: text.slice(0, colon), block: text.slice(colon + 1) };
}

/** An add's `key` or the id in `/api/memory/:id`: one conversation of one block. */
export function parseMemoryKey(key: string): Parsed<MemoryKey> {
  const { conversation, block } = split(key);
  if (block === '') return { ok: false, error: 'has nothing after its last ":" (the block id)' };
  const error =
    problem('conversation id (before the last ":")', SessionId, conversation) ??
    (block === null ? null : problem('block id (after the last ":")', FlowId, block));
  if (error) return { ok: false, error };
  return { ok: true, value: { conversationId: conversation, blockId: block ?? DEFAULT_FLOW_ID } };
}

/**
 * A get's `query`: `"<conv>:<block>"` exactly, `"<conv>:"` that conversation in every block,
 * `":<block>"` every conversation of that block; without a colon, that conversation in
 * every block (what Sim's thread-scoped get sends).
 */
export function parseMemoryQuery(query: string): Parsed<MemoryKeyQuery> {
  const { conversation, block } = split(query);
  if (conversation === '' && !block) {
    return { ok: false, error: 'names neither a conversation nor a block ("<conversationId>:<blockId>")' };
  }
  const error =
    (conversation === '' ? null : problem('conversation id', SessionId, conversation)) ??
    (block ? problem('block id (after the last ":")', FlowId, block) : null);
  if (error) return { ok: false, error };
  return {
    ok: true,
    value: {
      ...(conversation === '' ? {} : { conversationId: conversation }),
      ...(block ? { blockId: block } : {}),
    },
  };
}
