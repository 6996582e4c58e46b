/**
 * The text of a Sim memory answer, written as its memories are read: `{success, memories,
 * message[, nextCursor]}` (an add's without message) with each memory object (SPEC 4.2)
 * whole, of any size.
 */
import type { MemoryObject } from '../../shared/schemas/sim';
import type { MemoryMessageRecord, MemoryRecord } from '../store';
import type { MemoryPiece } from '../store/sim-memories';

/** Pieces of about this many characters: fewer, larger writes to the socket. */
const CHUNK_CHARS = 16 * 1024;

type MemoryMessage = MemoryObject['data'][number];

const toMemoryMessage = (m: MemoryMessageRecord): MemoryMessage => ({
  ...m.metadata,
  role: m.role,
  content: m.content,
});

/** JSON.stringify(toMemoryMessage(m)), without building the object for a message without metadata. */
const memoryMessageText = (m: MemoryMessageRecord): string =>
  m.metadata === null
    ? `{"role":${JSON.stringify(m.role)},"content":${JSON.stringify(m.content)}}`
    : JSON.stringify(toMemoryMessage(m));

const toMemoryObject = (m: MemoryRecord): MemoryObject => ({
  key: `${m.sessionId}:${m.flowId}`,
  conversationId: m.sessionId,
  blockId: m.flowId,
  blockName: m.flowName,
  data: m.messages.map(toMemoryMessage),
});

/** `{success, memories, message[, nextCursor]}`; `nextCursor`: for a page of every memory, read once the pieces are. */
export function memoryAnswer(
  pieces: AsyncGenerator<MemoryPiece>,
  nextCursor?: () => string | null,
): AsyncGenerator<string> {
  return memoriesText(pieces, (memories) => {
    const cursor = nextCursor === undefined ? '' : `,"nextCursor":${JSON.stringify(nextCursor())}`;
    return `,"message":"Found ${memories} memories"${cursor}`;
  });
}

/** An add's answer, `{success, memories: [the conversation's memory]}` (no message: Sim's shape). */
export const addAnswer = (pieces: AsyncGenerator<MemoryPiece>): AsyncGenerator<string> =>
  memoriesText(pieces, () => '');

/** `{"success":true,"memories":[…]` then the keys `tail` gives, then `}`. */
async function* memoriesText(
  pieces: AsyncGenerator<MemoryPiece>,
  tail: (memories: number) => string,
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
          pending += `${messagesInMemory === 0 ? '' : ','}${memoryMessageText(m)}`;
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
  yield `${pending}${memories === 0 ? '' : ']}'}]${tail(memories)}}`;
}
