import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MnemoEvent } from '../../shared/schemas/events';
import type { EventBus } from '../memory/events';

export const HEARTBEAT_MS = 15_000;
/** A client that reads this far behind is cut off (it reconnects and refetches). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * GET /api/v1/events: the event bus as server-sent events, so every open web page
 * updates live. Each event is `event: <type>` + `data: <json>`; a comment line every
 * 15 s keeps proxies and idle timers from closing the stream.
 */
export async function eventRoutes(app: FastifyInstance, options: { events: EventBus; heartbeatMs?: number }) {
  const open = new Set<() => void>();
  // Streams never end by themselves: close them, or closing the server waits for them.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/events',
    {
      // A HEAD would open a stream that never sends a body.
      exposeHeadRoute: false,
      schema: {
        operationId: 'events',
        summary:
          'Server-sent events: session.changed, session.deleted, flow.changed, trash.changed, answer.delta',
        tags: ['native'],
        response: {
          200: {
            description:
              'A text/event-stream; each event is "event: <type>" then "data: <one MnemoEvent as JSON>"',
            content: { 'text/event-stream': { schema: MnemoEvent } },
          },
        },
      },
    },
    (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      // Headers the security hook set (CORS) go out with the stream.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) res.setHeader(name, value);
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      const send = (text: string) => {
        if (res.writableLength > MAX_BUFFERED_BYTES) end();
        else res.write(text);
      };
      const unsubscribe = options.events.subscribe((event) =>
        send(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
      );
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
      let ended = false;
      function end() {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
        res.end();
      }
      open.add(end);
      res.on('close', end);
      request.raw.socket.setNoDelay(true);
      send(': connected\n\n');
    },
  );
}
