/**
 * fetch, sent once more when the connection it went out on was closed before any answer
 * came, for GET and HEAD only: they change nothing, so sending one twice is safe (RFC 9112
 * 9.3.1 lets a client retry such a request on a new connection; browsers do).
 *
 * Why the tests need it: the server and undici (fetch) share this process's event loop.
 * When a test holds the loop for seconds right after a response (checking 32 MiB of pages
 * on a busy machine), the server's keep-alive clock has started at the response, but
 * undici's idle clock only starts at its next timer tick, which the held loop delays. At
 * the first timer turn after, the server closes the connection (5 s of silence) and the
 * next request, already sent on it, fails with ECONNRESET or "other side closed"
 * (memory-all-bounded on a loaded CI; test/api/keep-alive-held-loop.test.ts reproduces it).
 */
const CLOSED_BEFORE_ANSWER = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const closedBeforeAnswer = (error: unknown): boolean =>
  CLOSED_BEFORE_ANSWER.has((error as { cause?: { code?: string } }).cause?.code ?? '');

export async function fetchRetryingClosed(url: string, init: RequestInit): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((method !== 'GET' && method !== 'HEAD') || !closedBeforeAnswer(error)) throw error;
    return fetch(url, init);
  }
}
