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

/**
 * Where the memories go in an answer: SPEC 4.2's `memories` array, Sim's `data: {memories}`
 * envelope (for requests from Sim's tools), or Sim's single `data` memory (null when none).
 */
export type MemoryEnvelope = 'spec' | 'sim';
interface Frame {
  open: string;
  close: string;
  none: string;
}
const LIST: Record<MemoryEnvelope, Frame> = {
  spec: { open: '{"success":true,"memories":[', close: ']', none: '' },
  sim: { open: '{"success":true,"data":{"memories":[', close: ']}', none: '' },
};
const SINGLE: Frame = { open: '{"success":true,"data":', close: '', none: 'null' };

/** `{success, memories, message[, nextCursor]}` (or `data: {memories}`); `nextCursor`: for a page of every memory, read once the pieces are. */
export function memoryAnswer(
  pieces: AsyncGenerator<MemoryPiece>,
  nextCursor?: () => string | null,
  envelope: MemoryEnvelope = 'spec',
): AsyncGenerator<string> {
  return memoriesText(pieces, LIST[envelope], (memories) => {
    const cursor = nextCursor === undefined ? '' : `,"nextCursor":${JSON.stringify(nextCursor())}`;
    return `,"message":"Found ${memories} memories"${cursor}`;
  });
}

/**
 * An add's answer: `{success, memories: [the conversation's memory]}` (no message: Sim's
 * shape), or for an add from Sim's tools `{success, data: <the memory>}`.
 */
export const addAnswer = (
  pieces: AsyncGenerator<MemoryPiece>,
  envelope: MemoryEnvelope = 'spec',
): AsyncGenerator<string> => memoriesText(pieces, envelope === 'spec' ? LIST.spec : SINGLE, () => '');

/** One memory by its key: `{success, data: <the memory> | null}`. */
export const memoryByKeyAnswer = (pieces: AsyncGenerator<MemoryPiece>): AsyncGenerator<string> =>
  memoriesText(pieces, SINGLE, () => '');

/** The frame's opening, each memory object, its closing, then the keys `tail` gives, then `}`. */
async function* memoriesText(
  pieces: AsyncGenerator<MemoryPiece>,
  frame: Frame,
  tail: (memories: number) => string,
): AsyncGenerator<string> {
  let pending = frame.open;
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
  yield `${pending}${memories === 0 ? frame.none : ']}'}${frame.close}${tail(memories)}}`;
}
