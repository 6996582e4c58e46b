/**
 * Latency over HTTP as one client sees it: requests one after another on a kept-alive
 * connection, each timed from sending to the last byte of the answer.
 */
import http from 'node:http';

export interface LatencyResult {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Call {
  method?: string;
  path: string;
  body?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function send(
  base: URL,
  headers: Record<string, string>,
  call: Call,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: base.hostname,
        port: base.port,
        agent,
        method: call.method ?? 'GET',
        path: call.path,
        headers: call.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(call.body);
  });
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

/**
 * Sends `count` calls (the i-th from `next(i)`) after `warmup` untimed ones; any answer
 * but 2xx is an error (a benchmark of failures measures nothing).
 */
export async function measureLatency(
  url: string,
  headers: Record<string, string>,
  next: (i: number) => Call,
  options: { count: number; warmup?: number },
): Promise<LatencyResult> {
  const base = new URL(url);
  const warmup = options.warmup ?? 20;
  const times: number[] = [];
  for (let i = 0; i < warmup + options.count; i++) {
    const call = next(i);
    const started = performance.now();
    const answer = await send(base, headers, call);
    const elapsed = performance.now() - started;
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(
        `${call.method ?? 'GET'} ${call.path} → ${answer.status}: ${answer.body.slice(0, 300)}`,
      );
    }
    if (i >= warmup) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return {
    count: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times.at(-1) ?? 0,
  };
}
