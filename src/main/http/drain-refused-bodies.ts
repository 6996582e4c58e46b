/**
 * An answer sent before the request's body was read (413, 415, a malformed body) must
 * reach a client that is still sending. Fastify answers those with `Connection: close`,
 * and Node then closes a socket that still has unread bytes, which makes the kernel reset
 * the connection: the client's next write fails with EPIPE and the answer is lost with it
 * (test/api/security-logs.test.ts failed that way under load). Instead, a body of modest
 * size is read and thrown away (Node does that on a kept-alive connection, which then
 * serves the client's next request), and a client that does not finish sending it within
 * a few seconds is cut off.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A refused body up to this size is read to its end before the connection may close. */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** A client that takes longer than this to send the rest is cut off. */
const DRAIN_MS = 5_000;

async function drainRefusedBodies(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply) => {
    const raw = request.raw;
    if (raw.complete || reply.getHeader('connection') !== 'close') return;
    const length = Number(raw.headers['content-length']);
    if (!Number.isFinite(length) || length > DRAIN_MAX_BYTES) return;
    reply.removeHeader('connection');
    const socket = raw.socket;
    const timer = setTimeout(() => socket.destroy(), DRAIN_MS);
    timer.unref();
    raw.once('end', () => clearTimeout(timer));
    raw.once('close', () => clearTimeout(timer));
  });
}

export default fp(drainRefusedBodies, { name: 'mnemo-drain-refused-bodies' });
