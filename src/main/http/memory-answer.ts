/**
 * The text of a Sim memory answer, written as its memories are read: `{success, memories,
 * message[, nextCursor]}` with each memory object (SPEC 4.2) whole, of any size.
 */
import type { MemoryObject } from '../../shared/schemas/sim';
import type { MemoryMessageRecord, MemoryRecord } from '../store';
import type { MemoryPiece } from '../store/sim-memories';

/** Pieces of about this many characters: fewer, larger writes to the socket. */
const CHUNK_CHARS = 16 * 1024;

type MemoryMessage = MemoryObject['data'][number];

export const toMemoryMessage = (m: MemoryMessageRecord): MemoryMessage => ({
  ...m.metadata,
  role: m.role,
  content: m.content,
});

export const toMemoryObject = (m: MemoryRecord): MemoryObject => ({
  key: `${m.sessionId}:${m.flowId}`,
  conversationId: m.sessionId,
  blockId: m.flowId,
  blockName: m.flowName,
  data: m.messages.map(toMemoryMessage),
});

/** `nextCursor`: for a page of every memory, read once the pieces are. */
export async function* memoryAnswer(
  pieces: AsyncGenerator<MemoryPiece>,
  nextCursor?: () => string | null,
): AsyncGenerator<string> {
  let pending = '{"success":true,"memories":[';
  let memories = 0;
  let messagesInMemory = 0;
  try {
    for await (const piece of pieces) {
      if (piece.type === 'memory') {
        const head = JSON.stringify(toMemoryObject({ ...piece, messages: [] }));
        pending += `${memories === 0 ? '' : ']},'}${head.slice(0, -2)}`; // without the data's `]}`
        memories += 1;
        messagesInMemory = 0;
      } else {
        for (const m of piece.messages) {
          pending += `${messagesInMemory === 0 ? '' : ','}${JSON.stringify(toMemoryMessage(m))}`;
          messagesInMemory += 1;
        }
      }
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = '';
      }
    }
  } finally {
    await pieces.return(undefined);
  }
  const cursor = nextCursor === undefined ? '' : `,"nextCursor":${JSON.stringify(nextCursor())}`;
  yield `${pending}${memories === 0 ? '' : ']}'}],"message":"Found ${memories} memories"${cursor}}`;
}
