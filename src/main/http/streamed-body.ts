/**
 * A body written as it is read (an export, a large memory answer) for Fastify. When its
 * source fails part-way, what the source gave last (an export's note that it is
 * incomplete) is let through to the client, and only then is the stream failed: Fastify
 * then logs the error once and destroys the response, so the client sees a chunked
 * response without its end (an error), never a clean end of a cut answer.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

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
