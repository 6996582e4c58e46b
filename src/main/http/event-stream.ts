import type { FastifyReply } from 'fastify';

/**
 * Turns a reply into a server-sent event stream written by hand: Fastify lets go of it,
 * and the headers hooks already set (CORS) come along. Flowise's and OpenAI's streams both
 * open this way, on their first event.
 */
export function openEventStream(reply: FastifyReply): void {
  reply.hijack();
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'close',
    'x-accel-buffering': 'no',
  });
}
