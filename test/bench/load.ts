/** Throughput under SPEC 9's load: autocannon, 10 connections, each request built by `next`. */
import autocannon from 'autocannon';

export interface LoadRequest {
  method?: string;
  path: string;
  body?: string;
}

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
