/**
 * Requests with large bodies are served a few at a time. Each body up to the 2 MiB limit
 * is held as bytes, then as parsed text, then often echoed in the answer: 200 clients
 * sending 2 MiB at once took the server to 1.2 GB. A request past the gate waits before
 * its body is read (the bytes wait in the kernel's socket buffers, not in this process)
 * and keeps its place until its answer is sent. Small bodies, the common case, never wait.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** A body declared larger than this, or of unknown length (chunked), goes through the gate. */
const LARGE_BODY_BYTES = 256 * 1024;
/** How many such requests are read and answered at once. */
const LARGE_BODY_SLOTS = 8;

function isLarge(request: FastifyRequest): boolean {
  const headers = request.raw.headers;
  if (headers['transfer-encoding'] !== undefined) return true;
  return Number(headers['content-length'] ?? 0) > LARGE_BODY_BYTES;
}

async function largeBodyGate(app: FastifyInstance) {
  let inUse = 0;
  const waiting: Array<() => void> = [];
  const holders = new WeakSet<FastifyRequest>();

  const release = (request: FastifyRequest) => {
    if (!holders.delete(request)) return;
    const next = waiting.shift();
    if (next) next();
    else inUse -= 1;
  };

  app.addHook('preParsing', async (request) => {
    if (!isLarge(request)) return;
    if (inUse < LARGE_BODY_SLOTS) inUse += 1;
    else {
      // The slot is handed over by release(), so inUse stays as it is.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    holders.add(request);
    // A client that goes away while it waits or is served gives its place back.
    request.raw.once('close', () => release(request));
  });
  app.addHook('onResponse', async (request) => release(request));
}

export default fp(largeBodyGate, { name: 'mnemo-large-body-gate' });
