import type { FastifyReply } from 'fastify';
import { openEventStream } from './event-stream';

/**
 * A streamed prediction in Flowise's wire format: every event is
 * `message:\ndata:{"event":NAME,"data":PAYLOAD}\n\n` on one line of JSON, which is how the
 * flowise-sdk splits and parses it. The stream opens on the first event, so a failure
 * before any token still gets a plain JSON error with its status code.
 */
export class FlowiseEventStream {
  private opened = false;

  constructor(private readonly reply: FastifyReply) {}

  get started(): boolean {
    return this.opened;
  }

  send(event: string, data: unknown): void {
    if (!this.opened) this.open();
    this.reply.raw.write(`message:\ndata:${JSON.stringify({ event, data })}\n\n`);
  }

  /** Sends `end` and closes the connection. */
  end(): void {
    this.send('end', '[DONE]');
    this.reply.raw.end();
  }

  private open(): void {
    this.opened = true;
    openEventStream(this.reply);
  }
}
