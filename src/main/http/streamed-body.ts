/**
 * A body written as it is read (an export, a large memory answer) for Fastify. When its
 * source fails part-way, what the source gave last (an export's note that it is
 * incomplete) is let through to the client, and only then is the stream failed: Fastify
 * then logs the error once and destroys the response, so the client sees a chunked
 * response without its end (an error), never a clean end of a cut answer.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** How long a failing body waits for its last piece to reach the socket (a client that stopped reading). */
const NOTE_WAIT_MS = 10_000;
const POLL_MS = 10;

/** Whether everything pushed into `body` has been handed to the kernel, or the response is gone. */
async function flushed(body: Readable, response: ServerResponse): Promise<void> {
  for (const until = Date.now() + NOTE_WAIT_MS; Date.now() < until; ) {
    if (response.destroyed || (body.readableLength === 0 && response.writableLength === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function streamedBody(chunks: AsyncGenerator<string>, response: ServerResponse): Readable {
  async function* endsBrokenOnFailure() {
    try {
      yield* chunks;
    } catch (error) {
      await flushed(body, response);
      throw error;
    }
  }
  const body: Readable = Readable.from(endsBrokenOnFailure(), {
    objectMode: false,
    highWaterMark: 64 * 1024,
  });
  return body;
}

/** An answer whose text ends within this many characters is sent whole. */
const WHOLE_CHARS = 4 * 1024 * 1024;

/**
 * Sends a JSON text given in pieces: whole when it ends within WHOLE_CHARS (most answers:
 * no chunked stream, and a read that fails is still answered with an error status), else
 * written as it is read, never held whole (streamedBody).
 */
export async function sendJsonText(
  reply: FastifyReply,
  chunks: AsyncGenerator<string>,
): Promise<FastifyReply> {
  const head: string[] = [];
  let chars = 0;
  while (chars < WHOLE_CHARS) {
    const next = await chunks.next();
    if (next.done) return reply.type('application/json; charset=utf-8').send(head.join(''));
    head.push(next.value);
    chars += next.value.length;
  }
  async function* rest(): AsyncGenerator<string> {
    for (let piece = head.shift(); piece !== undefined; piece = head.shift()) yield piece;
    yield* chunks;
  }
  return reply.type('application/json; charset=utf-8').send(streamedBody(rest(), reply.raw));
}
