import type { FastifyReply } from 'fastify';
import type { ChatCompletionChunk } from '../../shared/schemas/openai';
import { openEventStream } from './event-stream';

/**
 * A streamed chat completion as the OpenAI API sends it: `data: <chunk JSON>\n\n` per
 * chunk, the first carrying the assistant role, the last a finish_reason, then
 * `data: [DONE]`. The stream opens on the first piece of text, so a failure before it
 * still gets a plain JSON error with its status code.
 */
export class OpenAiEventStream {
  private opened = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly meta: { id: string; created: number; model: string },
  ) {}

  get started(): boolean {
    return this.opened;
  }

  /** A piece of the answer (the first one opens the stream with the role). */
  text(content: string): void {
    if (!this.opened) {
      this.open();
      this.chunk({ role: 'assistant', content: '' }, null);
    }
    this.chunk({ content }, null);
  }

  /** The finishing chunk, then [DONE], and the connection closes. */
  finish(): void {
    this.chunk({}, 'stop');
    this.reply.raw.end('data: [DONE]\n\n');
  }

  /** After the stream began, an error travels as a data line in OpenAI's error shape. */
  fail(error: { message: string; type: string }): void {
    this.reply.raw.end(`data: ${JSON.stringify({ error: { ...error, param: null, code: null } })}\n\n`);
  }

  private chunk(delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | null): void {
    const chunk: ChatCompletionChunk = {
      ...this.meta,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    };
    this.reply.raw.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  private open(): void {
    this.opened = true;
    openEventStream(this.reply);
  }
}
