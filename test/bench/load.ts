/** Throughput under SPEC 9's load: autocannon, 10 connections, each request built by `next`. */
import autocannon from 'autocannon';
import { SEED_WORDS } from '../helpers/seed';

export interface LoadRequest {
  method?: string;
  path: string;
  body?: string;
}

/** The append both benches send: Sim's add of request `i` to the seed's conversation `n` of `flowId`. */
export const simAddRequest = (n: number, flowId: string, i: number): LoadRequest => ({
  method: 'POST',
  path: '/api/memory',
  body: JSON.stringify({
    conversationId: `session-${n}`,
    blockId: flowId,
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `benchmark message ${i}: the answer to the question about ${SEED_WORDS[i % 500]}`,
  }),
});

export interface LoadResult {
  requestsPerSecond: number;
  /** Answered 2xx: for writes, what the server acknowledged. */
  ok: number;
  failed: number;
  latencyP50: number;
  latencyP99: number;
}

export async function runLoad(
  url: string,
  headers: Record<string, string>,
  next: (i: number) => LoadRequest,
  options: { connections: number; seconds: number },
): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    headers,
    requests: [
      {
        setupRequest: (request) => {
          const call = next(i++);
          return {
            ...request,
            method: call.method ?? 'GET',
            path: call.path,
            body: call.body,
            headers: call.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
  };
}
