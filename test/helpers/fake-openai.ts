import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake upstream received. */
export interface UpstreamRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    stream?: boolean;
    temperature?: number;
    messages: Array<{ role: string; content: string }>;
  };
  /** Resolves when the caller closed the connection before the answer was complete. */
  abandoned: Promise<void>;
}

/** How the upstream answers the next requests. */
export type Behaviour =
  | { kind: 'answer'; pieces: string[]; delayMs?: number }
  | { kind: 'status'; status: number; message: string }
  /** Streams these pieces, then holds the connection open without ever finishing. */
  | { kind: 'stall'; pieces: string[] }
  /** Streams these pieces, then drops the connection. */
  | { kind: 'break'; pieces: string[] }
  /** Accepts the request and never answers. */
  | { kind: 'hang' };

const chunk = (model: string, delta: Record<string, string>, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;

/**
 * A server on 127.0.0.1 that speaks OpenAI's chat-completions API (JSON and SSE
 * streaming), records every request, and answers as told.
 */
export async function startFakeOpenAi() {
  const requests: UpstreamRequest[] = [];
  let behaviour: Behaviour = { kind: 'answer', pieces: ['Hello', ' from', ' upstream'] };
  let inFlight = 0;
  let maxInFlight = 0;

  let models = ['fake-model-a', 'fake-model-b'];
  /** The headers of each GET /models (its Authorization: which key was sent). */
  const modelRequests: http.IncomingHttpHeaders[] = [];

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      modelRequests.push(req.headers);
      const b = behaviour;
      if (b.kind === 'status') {
        res.writeHead(b.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: b.message, type: 'server_error' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
        }),
      );
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const abandoned = new Promise<void>((resolve) => {
        res.on('close', () => {
          inFlight -= 1;
          if (!res.writableFinished) resolve();
        });
      });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as UpstreamRequest['body'];
      requests.push({ path: req.url ?? '', headers: req.headers, body, abandoned });
      const b = behaviour;
      if (b.kind === 'hang') return;
      if (b.kind === 'status') {
        res.writeHead(b.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: b.message, type: 'server_error' } }));
        return;
      }
      if (b.kind === 'answer' && b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
      if (!body.stream && b.kind === 'answer') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-fake',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [
              { index: 0, message: { role: 'assistant', content: b.pieces.join('') }, finish_reason: 'stop' },
            ],
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk(body.model, { role: 'assistant', content: '' }));
      for (const piece of b.pieces) res.write(chunk(body.model, { content: piece }));
      if (b.kind === 'stall') return;
      if (b.kind === 'break') {
        // Once the pieces are out, drop the connection without finishing the answer.
        res.write('', () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      res.write(chunk(body.model, {}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    behave(next: Behaviour) {
      behaviour = next;
    },
    /** What GET /models lists (a 'status' behaviour answers it with that status instead). */
    listModels(ids: string[]) {
      models = ids;
    },
    modelRequests,
    /** The most requests that were being answered at the same time. */
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeOpenAi = Awaited<ReturnType<typeof startFakeOpenAi>>;
