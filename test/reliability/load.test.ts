/**
 * SPEC 8 under load: 10 concurrent clients for 30 s of mixed reads and writes (Flowise
 * reads, Sim adds and gets, predictions, the session list, search) against the built
 * headless server in its own process, over a seeded database. No request may fail, no
 * acknowledged write may be lost or doubled, and every client reads its own writes.
 * Latency percentiles are reported (they are figures, not pass/fail thresholds).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED_WORDS, seedDataDir } from '../helpers/seed';
import { type ServeProcess, serveBuilt, startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/tmp';

const CLIENTS = 10;
const SECONDS = Number(process.env.MNEMO_LOAD_SECONDS ?? 30);
const KEY = 'load-test-key-0123456789abcdef';
const SEEDED_SESSIONS = 5_000;
/** Conversations each client appends to (Sim) and predicts in. */
const OWN_CONVERSATIONS = 5;

type Op = 'sim.add' | 'sim.get' | 'flowise.read' | 'sessions.list' | 'search' | 'prediction';
/** How often each operation comes up, out of 100. */
const MIX: Array<[Op, number]> = [
  ['sim.add', 30],
  ['sim.get', 15],
  ['flowise.read', 20],
  ['sessions.list', 15],
  ['search', 10],
  ['prediction', 10],
];

const tmp = tempDir('mnemo-load-');
afterAll(() => tmp.cleanup());

function pick(random: () => number): Op {
  let r = random() * 100;
  for (const [op, weight] of MIX) {
    r -= weight;
    if (r < 0) return op;
  }
  return 'sim.add';
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

interface Stats {
  latencies: Map<Op, number[]>;
  errors: string[];
  /** Per conversation: adds acknowledged. */
  simAcked: Map<string, number>;
  /** Per prediction session: turns acknowledged. */
  turnsAcked: Map<string, number>;
}

async function runClient(serve: ServeProcess, id: number, until: number, stats: Stats): Promise<void> {
  let seed = id + 1;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  let n = 0;
  while (performance.now() < until) {
    const op = pick(random);
    const own = `load-c${id}-${Math.floor(random() * OWN_CONVERSATIONS)}`;
    const seeded = `session-${Math.floor(random() * SEEDED_SESSIONS)}`;
    const word = SEED_WORDS[Math.floor(random() * 200)] as string;
    const started = performance.now();
    let res: Response;
    let expectAtLeast = -1;
    try {
      switch (op) {
        case 'sim.add':
          res = await fetch(`${serve.url}/api/memory`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              conversationId: own,
              role: 'user',
              content: `c${id} n${n++} ${word}`,
              blockId: 'load',
            }),
          });
          break;
        case 'sim.get':
          expectAtLeast = stats.simAcked.get(own) ?? 0;
          res = await fetch(`${serve.url}/api/memory?conversationId=${own}&blockId=load`, { headers });
          break;
        case 'flowise.read':
          res = await fetch(
            `${serve.url}/api/v1/chatmessage/seed-${(Number(seeded.slice(8)) % 3) + 1}?sessionId=${seeded}`,
            {
              headers,
            },
          );
          break;
        case 'sessions.list':
          res = await fetch(
            `${serve.url}/api/v1/sessions?limit=50${random() < 0.5 ? '&flowId=seed-2' : ''}${random() < 0.3 ? '&startDate=2026-01-01' : ''}`,
            { headers },
          );
          break;
        case 'search':
          res = await fetch(`${serve.url}/api/v1/search?q=${encodeURIComponent(word)}&limit=20`, { headers });
          break;
        case 'prediction':
          res = await fetch(`${serve.url}/api/v1/prediction/default`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ question: `c${id} q${n++}`, overrideConfig: { sessionId: own } }),
          });
          break;
      }
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${op} → ${res.status}: ${body.slice(0, 200)}`);
      if (op === 'sim.add') stats.simAcked.set(own, (stats.simAcked.get(own) ?? 0) + 1);
      if (op === 'prediction') stats.turnsAcked.set(own, (stats.turnsAcked.get(own) ?? 0) + 1);
      if (op === 'sim.get') {
        // Read-your-writes: every add acknowledged before this read is in it.
        const seen =
          (JSON.parse(body) as { memories: Array<{ data: unknown[] }> }).memories[0]?.data.length ?? 0;
        if (seen < expectAtLeast)
          throw new Error(`sim.get saw ${seen} messages of ${own}, ${expectAtLeast} were acknowledged`);
      }
    } catch (error) {
      stats.errors.push((error as Error).message);
      continue;
    }
    const list = stats.latencies.get(op) ?? [];
    list.push(performance.now() - started);
    stats.latencies.set(op, list);
  }
}

function rssOf(pid: number | undefined): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  } catch {
    return undefined;
  }
}

describe.skipIf(!serveBuilt())('load', () => {
  it(`${CLIENTS} clients for ${SECONDS} s of mixed reads and writes: no errors, no lost writes`, async () => {
    const dataDir = path.join(tmp.dir, 'data');
    const seeded = await seedDataDir(dataDir, {
      sessions: SEEDED_SESSIONS,
      messages: 50_000,
      flows: 3,
      end: Date.UTC(2026, 10, 1),
    });
    const serve = await startServe(dataDir, { MNEMO_API_KEY: KEY });
    try {
      const stats: Stats = { latencies: new Map(), errors: [], simAcked: new Map(), turnsAcked: new Map() };
      const started = performance.now();
      const until = started + SECONDS * 1000;
      await Promise.all(Array.from({ length: CLIENTS }, (_, id) => runClient(serve, id, until, stats)));
      const elapsed = (performance.now() - started) / 1000;
      const rss = rssOf(serve.child.pid);

      // Nothing lost, nothing doubled: what the server holds equals what it acknowledged.
      const headers = { authorization: `Bearer ${KEY}` };
      for (const [conversation, acked] of stats.simAcked) {
        const res = await fetch(`${serve.url}/api/memory?conversationId=${conversation}&blockId=load`, {
          headers,
        });
        const { memories } = (await res.json()) as { memories: Array<{ data: unknown[] }> };
        expect({ conversation, stored: memories[0]?.data.length }).toEqual({ conversation, stored: acked });
      }
      for (const [session, turns] of stats.turnsAcked) {
        const res = await fetch(`${serve.url}/api/v1/stats/default?sessionId=${session}`, { headers });
        expect({
          session,
          messages: ((await res.json()) as { totalMessages: number }).totalMessages,
        }).toEqual({
          session,
          messages: 2 * turns,
        });
      }

      const all = [...stats.latencies.values()].flat().sort((a, b) => a - b);
      const row = (name: string, sorted: number[]) =>
        `${name.padEnd(14)} ${String(sorted.length).padStart(7)} ${[50, 95, 99].map((p) => percentile(sorted, p).toFixed(1).padStart(7)).join(' ')} ${(sorted.at(-1) ?? 0).toFixed(1).padStart(7)}`;
      const lines = [
        `load: ${CLIENTS} clients, ${elapsed.toFixed(1)} s, over ${seeded.messages} seeded messages in ${seeded.conversations} conversations`,
        `${'operation'.padEnd(14)} ${'requests'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}`,
        ...MIX.map(([op]) =>
          row(
            op,
            (stats.latencies.get(op) ?? []).sort((a, b) => a - b),
          ),
        ),
        row('all', all),
        `throughput ${(all.length / elapsed).toFixed(0)} requests/s; errors ${stats.errors.length}; ` +
          `writes checked: ${[...stats.simAcked.values()].reduce((a, b) => a + b, 0)} Sim adds, ${[...stats.turnsAcked.values()].reduce((a, b) => a + b, 0)} prediction turns; ` +
          `server RSS ${rss?.toFixed(0) ?? '?'} MB`,
      ];
      console.log(lines.join('\n'));
      expect(stats.errors.slice(0, 5)).toEqual([]);
      expect(all.length).toBeGreaterThan(SECONDS * 100);
    } finally {
      await serve.kill('SIGTERM');
    }
  });
});
