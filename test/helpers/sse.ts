/** A test reader of a server-sent event stream (fetch + the body's byte stream). */
export interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The next message (event or comment) matching `where`, or a rejection after `timeoutMs`. */
  next(where?: (message: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const queue: SseMessage[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  let ended = false;

  const parse = (block: string): SseMessage => {
    const message: SseMessage = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) message.comment = line.slice(1).trim();
      else if (line.startsWith('event: ')) message.event = line.slice(7);
      else if (line.startsWith('data: ')) message.data = line.slice(6);
    }
    return message;
  };
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };

  if (res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            queue.push(parse(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
          wake();
        }
      } catch {
        // aborted
      } finally {
        ended = true;
        wake();
      }
    })();
  }

  return {
    status: res.status,
    headers: res.headers,
    async next(where = () => true, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = queue.findIndex(where);
        if (index >= 0) return queue.splice(index, 1)[0] as SseMessage;
        if (ended) throw new Error('the stream ended');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => controller.abort(),
  };
}
