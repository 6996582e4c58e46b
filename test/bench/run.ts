/**
 * `npm run bench`: SPEC section 9 measured on 1,000,000 messages in 100,000 sessions over
 * 3 flows and 365 days. Seeds a temp data dir through the store's bulk path (timed),
 * starts the built headless server and the baseline (baseline-server.ts) in processes of
 * their own, then measures appends against the baseline, latencies, Flowise throughput,
 * the server's memory and the window's first rows, and prints every figure with its
 * target. See docs/PERFORMANCE.md.
 *
 * Runs through Vite's module runner (TypeScript without a build step of its own):
 *   node -e "import('vite').then((v) => v.runnerImport('./test/bench/run.ts'))"
 * Environment: MNEMO_BENCH_SECONDS (each load phase, default 10), MNEMO_BENCH_SESSIONS /
 * MNEMO_BENCH_MESSAGES (scale), MNEMO_BENCH_REUSE=<data dir> (copy a seeded data dir
 * instead of seeding: for working on the benchmark; the import is then not measured),
 * MNEMO_BENCH_ONLY=search (only the search rows: no appends, Flowise load, deletes or window),
 * MNEMO_BENCH_ONLY=postgres (only the PostgreSQL rows of postgres.ts, which seed their own data).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type SessionFilter, type SqliteStore } from '../../src/main/store';
import { SEED_WORDS, seedFlowIds, seedStore } from '../helpers/seed';
import { type Call, measureLatency } from './latency';
import { runLoad, simAddRequest } from './load';
import { postgresBench } from './postgres';
import { memoryOf, rssSampler, startBaseline, startMnemo } from './processes';
import { type Figure, line, markdown, table } from './report';
import { FIRST_SCRIPT_BASELINE, firstRowsTimes, firstScriptBytes } from './window';

const SESSIONS = Number(process.env.MNEMO_BENCH_SESSIONS ?? 100_000);
const MESSAGES = Number(process.env.MNEMO_BENCH_MESSAGES ?? 1_000_000);
const SECONDS = Number(process.env.MNEMO_BENCH_SECONDS ?? 10);
const SEARCH_ONLY = process.env.MNEMO_BENCH_ONLY === 'search';
const POSTGRES_ONLY = process.env.MNEMO_BENCH_ONLY === 'postgres';
const FLOWS = 3;
const DAYS = 365;
/** The data ends when the run starts, so "the last 7 days" is the window's preset of that name. */
const END = Date.now();
const DAY = 86_400_000;
const CONNECTIONS = 10;
const KEY = 'mnemo-bench-key-0123456789abcdef0123456789';
const AUTH = { authorization: `Bearer ${KEY}` };
// Through the end of the day: what the benchmark appends (after END) is inside too.
const WEEK = { startDate: new Date(END - 7 * DAY).toISOString(), endDate: new Date(END + DAY).toISOString() };

/** Search words by how many messages hold them (the seed's vocabulary is Zipf-distributed). */
const WORDS = {
  common: SEED_WORDS.slice(0, 10),
  mid: SEED_WORDS.slice(300, 320),
  rare: SEED_WORDS.slice(4_900, 4_920),
};
/** Words typed so far: the starts of common words (each start is shared by about 40 words of the seed). */
const COMMON_LONG = [
  'memory',
  'session',
  'answer',
  'question',
  'prompt',
  'token',
  'stream',
  'search',
  'message',
  'window',
];
const STARTS = {
  3: COMMON_LONG.map((w) => w.slice(0, 3)),
  4: COMMON_LONG.map((w) => w.slice(0, 4)),
};

/** The long conversation the jump to a match is timed in (issue 16): 5,000 messages. */
const LONG = { flowId: 'seed-1', sessionId: 'long-5000', messages: 5_000 };

/** Adds the long conversation: seed words, so common and mid words match many or few of its messages. */
async function addLongConversation(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  try {
    await store.bulkInsert([
      {
        flowId: LONG.flowId,
        sessionId: LONG.sessionId,
        messages: Array.from({ length: LONG.messages }, (_, i) => ({
          role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
          content: Array.from(
            { length: 12 },
            (_, k) => SEED_WORDS[((i + 1) * (k + 7) * 7_919) % (k < 6 ? 120 : 600)],
          ).join(' '),
          createdAt: END - (LONG.messages - i) * 60_000,
          chatType: 'EXTERNAL' as const,
        })),
      },
    ]);
  } finally {
    await store.close();
  }
}

const figures: Figure[] = [];
function record(figure: Figure): void {
  figures.push(figure);
  console.log(line(figure));
}

/** A deterministic stream of session numbers, so every run asks for the same sessions. */
function sessionPicker(seed: number, from = 0, to = SESSIONS) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return from + (state % (to - from));
  };
}
const flowOf = (n: number) => seedFlowIds(FLOWS)[n % FLOWS] as string;

function machine(): string {
  const cpu =
    /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  const sqlite = new Database(':memory:');
  const version = sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string };
  sqlite.close();
  return `${os.availableParallelism()} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, SQLite ${version.v}, ${os.type()} ${os.release()}`;
}
const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/** Seeds the data dir through store.bulkInsert, timing the inserts apart from generating the data. */
async function seed(dataDir: string): Promise<void> {
  const reuse = process.env.MNEMO_BENCH_REUSE;
  if (reuse) {
    fs.cpSync(reuse, dataDir, { recursive: true });
    console.log(`  reused the data dir ${reuse} (the import is not measured)`);
    return;
  }
  const store = await openStore({ dataDir });
  let importMs = 0;
  const timed: SqliteStore = {
    ...store,
    bulkInsert: async (records) => {
      const started = performance.now();
      try {
        return await store.bulkInsert(records);
      } finally {
        importMs += performance.now() - started;
      }
    },
    // Part of the import too: what an import of this size does at its end (memory/transfer.ts).
    optimizeSearchIndex: async () => {
      const started = performance.now();
      try {
        return await store.optimizeSearchIndex();
      } finally {
        importMs += performance.now() - started;
      }
    },
  };
  const seeded = await seedStore(timed, {
    seed: 1,
    sessions: SESSIONS,
    messages: MESSAGES,
    flows: FLOWS,
    days: DAYS,
    end: END,
  });
  const closing = performance.now();
  await store.close();
  console.log(
    `  seeded ${seeded.conversations.toLocaleString('en')} conversations, ${seeded.messages.toLocaleString('en')} messages: ` +
      `${(seeded.ms / 1000).toFixed(1)} s in all, of which generating the data ${((seeded.ms - importMs) / 1000).toFixed(1)} s; ` +
      `final checkpoint ${((performance.now() - closing) / 1000).toFixed(1)} s`,
  );
  record({
    name: 'bulk import of the messages (store.bulkInsert, batches of 10,000 conversations, then one index merge)',
    value: importMs / 1000,
    unit: 's',
    target: { op: '<=', value: 20 },
  });
}

/** A step that reads a whole table of ours instead of searching an index. */
const FULL_SCAN = /^SCAN (c|m|f|conversations|messages|flows)$/;

/** SQLite's plans for the list queries the benchmark times, and the other routes' queries. */
async function printPlans(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  try {
    const plans: Array<[string, string[]]> = [];
    const list = async (name: string, filter: SessionFilter, sort: 'ASC' | 'DESC' = 'DESC') => {
      const options = { sort, by: 'updated' as const, limit: 50 };
      plans.push([name, await store.debugExplain('listSessions', filter, options)]);
    };
    const week = { startDate: END - 7 * DAY, endDate: END + DAY };
    await list('session list, no filter', {});
    await list('session list, 7 days, oldest first', week, 'ASC');
    await list('session list, search', { q: WORDS.mid[0] });
    plans.push(['session count, 7 days', await store.debugExplain('countSessions', week)]);
    plans.push(...Object.entries(await store.debugQueryPlans()));
    for (const [name, plan] of plans) {
      const scans = plan.filter((step) => FULL_SCAN.test(step));
      const verdict = scans.length === 0 ? 'indexes only' : `FULL SCAN (${scans.join('; ')})`;
      console.log(`  ${name}: ${verdict}\n    ${plan.join('\n    ')}`);
    }
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`Mnemo benchmark (SPEC 9) — ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}`);
  console.log(`load average at start: ${load()}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-bench-'));
  const dataDir = path.join(tmp, 'data');
  const servers: Array<{ stop(): Promise<void> }> = [];
  try {
    if (!POSTGRES_ONLY) await sqliteBench(tmp, dataDir, servers);
    for (const server of servers.splice(0)) await server.stop();
    if (!SEARCH_ONLY) {
      await postgresBench({
        tmp,
        key: KEY,
        sessions: SESSIONS,
        messages: MESSAGES,
        flows: FLOWS,
        days: DAYS,
        end: END,
        seconds: SECONDS,
        connections: CONNECTIONS,
        record,
      });
    }
  } finally {
    for (const server of servers) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  console.log(
    `\nload average at end: ${load()}; the run took ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(`\nSummary\n${table(figures)}\n\nAs Markdown:\n${markdown(figures)}`);
  const missed = figures.filter(
    (f) => f.target && !(f.target.op === '<=' ? f.value <= f.target.value : f.value >= f.target.value),
  );
  console.log(
    missed.length === 0
      ? '\nEvery target is met.'
      : `\n${missed.length} of ${figures.filter((f) => f.target).length} targets missed: ${missed.map((f) => f.name).join('; ')}`,
  );
}

/** SPEC 9 on SQLite: sections 1 to 8. */
async function sqliteBench(
  tmp: string,
  dataDir: string,
  servers: Array<{ stop(): Promise<void> }>,
): Promise<void> {
  console.log(
    `\n1. Seeding ${MESSAGES.toLocaleString('en')} messages in ${SESSIONS.toLocaleString('en')} sessions (${FLOWS} flows, ${DAYS} days)`,
  );
  await seed(dataDir);
  await addLongConversation(dataDir);

  console.log('\n2. Query plans');
  await printPlans(dataDir);

  console.log('\n3. Servers');
  const mnemo = await startMnemo(dataDir, KEY);
  servers.push(mnemo);
  const rss = rssSampler(mnemo.pid);
  console.log(
    `  Mnemo ${mnemo.url} (pid ${mnemo.pid}, RSS ${memoryOf(mnemo.pid).rss.toFixed(0)} MB after start)`,
  );

  if (SEARCH_ONLY) {
    await searchLatencies(mnemo.url);
  } else {
    const baseline = await startBaseline(path.join(tmp, 'baseline.db'));
    servers.push(baseline);
    console.log(`  baseline ${baseline.url}`);
    await appendBenchmark(mnemo.url, baseline.url);
    await flowiseThroughput(mnemo.url);
    await latencies(mnemo.url);
  }

  console.log('\n7. Memory');
  const peak = rss.peak();
  rss.stop();
  record({
    name: 'server RSS, highest sample under the load above',
    value: peak.rss,
    unit: 'MB',
    target: { op: '<=', value: 200 },
    note: `VmHWM ${memoryOf(mnemo.pid).hwm.toFixed(0)} MB; that sample: anonymous ${peak.anon.toFixed(0)} MB (JS heap, SQLite cache, native), mapped files ${peak.file.toFixed(0)} MB`,
  });

  if (!SEARCH_ONLY) await windowFirstRows(`${mnemo.url}/#key=${encodeURIComponent(KEY)}`);
}

/** Messages stored in the seed flows, as the API counts them. */
async function storedMessages(url: string): Promise<number> {
  let total = 0;
  for (const flowId of seedFlowIds(FLOWS)) {
    const res = await fetch(`${url}/api/v1/stats/${flowId}`, { headers: AUTH });
    total += ((await res.json()) as { totalMessages: number }).totalMessages;
  }
  return total;
}

/**
 * SPEC 9's append: one message per request (Sim's add) against the baseline, both at
 * 10 connections. The appends go to the 1,000 most recently started conversations, as
 * scripts continue the conversations that are active now; a second run spreads them
 * over all 100,000 (every append then lands on a page nobody touched lately).
 */
async function appendBenchmark(mnemoUrl: string, baselineUrl: string): Promise<void> {
  console.log(
    `\n4. Append one message over HTTP, ${CONNECTIONS} connections, ${SECONDS} s each (after 2 s of warm-up)`,
  );
  const hot = sessionPicker(7, Math.max(0, SESSIONS - 1_000));
  const spread = sessionPicker(11);
  const append = (pick: () => number) => (i: number) => {
    const n = pick();
    return simAddRequest(n, flowOf(n), i);
  };
  const options = { connections: CONNECTIONS, seconds: SECONDS };
  const warmup = { connections: CONNECTIONS, seconds: 2 };
  const before = await storedMessages(mnemoUrl);

  await runLoad(baselineUrl, {}, append(hot), warmup);
  const base = await runLoad(baselineUrl, {}, append(hot), options);
  const warm = await runLoad(mnemoUrl, AUTH, append(hot), warmup);
  const ours = await runLoad(mnemoUrl, AUTH, append(hot), options);
  const wide = await runLoad(mnemoUrl, AUTH, append(spread), options);

  for (const [name, r] of [
    ['baseline', base],
    ['Mnemo, active conversations', ours],
    ['Mnemo, spread over all', wide],
  ] as const) {
    console.log(
      `  ${name}: ${r.requestsPerSecond.toFixed(0)} requests/s, latency p50 ${r.latencyP50} ms, p99 ${r.latencyP99} ms, failed ${r.failed}`,
    );
    if (r.failed > 0) throw new Error(`${name}: ${r.failed} appends failed`);
  }
  // autocannon stops counting at the end of a run: up to one request per connection was
  // still in flight then, stored but not seen acknowledged.
  const acknowledged = warm.ok + ours.ok + wide.ok;
  const inFlight = 3 * CONNECTIONS;
  const stored = (await storedMessages(mnemoUrl)) - before;
  console.log(
    `  appends acknowledged ${acknowledged}, stored ${stored} (at most ${inFlight} were in flight at the ends)`,
  );
  if (stored < acknowledged || stored > acknowledged + inFlight) {
    throw new Error(`${acknowledged} appends acknowledged but ${stored} stored`);
  }

  record({ name: 'append, baseline (node:http + 1 INSERT)', value: base.requestsPerSecond, unit: 'req/s' });
  record({
    name: 'append, Mnemo (Sim add, active conversations)',
    value: ours.requestsPerSecond,
    unit: 'req/s',
  });
  record({
    name: 'append ratio Mnemo / baseline',
    value: ours.requestsPerSecond / base.requestsPerSecond,
    unit: '×',
    target: { op: '>=', value: 1 },
  });
  record({
    name: 'append ratio Mnemo / baseline, appends spread over all sessions',
    value: wide.requestsPerSecond / base.requestsPerSecond,
    unit: '×',
  });
}

async function flowiseThroughput(url: string): Promise<void> {
  console.log(
    `\n5. One session's messages through the Flowise route, ${CONNECTIONS} connections, ${SECONDS} s`,
  );
  const pick = sessionPicker(13);
  const read = () => {
    const n = pick();
    return { path: `/api/v1/chatmessage/${flowOf(n)}?sessionId=session-${n}` };
  };
  await runLoad(url, AUTH, read, { connections: CONNECTIONS, seconds: 2 });
  const r = await runLoad(url, AUTH, read, { connections: CONNECTIONS, seconds: SECONDS });
  if (r.failed > 0) throw new Error(`${r.failed} Flowise reads failed`);
  record({
    name: "Flowise route, one session's messages, 10 connections",
    value: r.requestsPerSecond,
    unit: 'req/s',
    target: { op: '>=', value: 5_000 },
    note: 'a random session of the 100,000 each time',
  });
  // The same session every time: its pages stay in SQLite's cache, so this is the HTTP path's own cost.
  const same = await runLoad(
    url,
    AUTH,
    () => ({ path: `/api/v1/chatmessage/${flowOf(1)}?sessionId=session-1` }),
    {
      connections: CONNECTIONS,
      seconds: SECONDS,
    },
  );
  record({
    name: "Flowise route, the same session's messages, 10 connections",
    value: same.requestsPerSecond,
    unit: 'req/s',
  });
}

type Timer = (name: string, next: (i: number) => Call, targetMs?: number, count?: number) => Promise<void>;

/** Timing of one client, request after request: p95 against the target, the rest in the note. */
const timer =
  (url: string): Timer =>
  async (name, next, targetMs, count = 300) => {
    const r = await measureLatency(url, AUTH, next, { count });
    record({
      name,
      value: r.p95,
      unit: 'ms',
      target: targetMs === undefined ? undefined : { op: '<=', value: targetMs },
      note: `p50 ${r.p50.toFixed(2)}, p99 ${r.p99.toFixed(2)}, max ${r.max.toFixed(1)} ms over ${r.count}`,
    });
  };

/**
 * The search rows: the list's first page and full-text search with whole words of three
 * frequencies (a space after the word: the last word alone would also match as a start),
 * with the starts of common words as typed, and the matches inside a 5,000-message
 * conversation (issue 16).
 */
async function searchRows(time: Timer): Promise<void> {
  const list = (query: string): Call => ({ path: `/api/v1/sessions?limit=50${query}` });
  const cycle = (words: readonly string[]) => (i: number) =>
    encodeURIComponent(words[i % words.length] as string);
  for (const frequency of ['rare', 'mid', 'common'] as const) {
    const word = cycle(WORDS[frequency]);
    await time(
      `session list p95, first page, search (${frequency} words)`,
      (i) => list(`&q=${word(i)}%20`),
      10,
      100,
    );
  }
  for (const letters of [3, 4] as const) {
    const start = cycle(STARTS[letters]);
    await time(
      `session list p95, first page, search (${letters}-letter start of a common word)`,
      (i) => list(`&q=${start(i)}`),
      10,
      100,
    );
  }
  for (const frequency of ['rare', 'mid', 'common'] as const) {
    const word = cycle(WORDS[frequency]);
    await time(
      `full-text search p95 (${frequency} words)`,
      (i) => ({ path: `/api/v1/search?q=${word(i)}%20&limit=50` }),
      50,
      100,
    );
  }
  const start = cycle(STARTS[3]);
  await time(
    'full-text search p95 (3-letter start of a common word)',
    (i) => ({ path: `/api/v1/search?q=${start(i)}&limit=50` }),
    50,
    100,
  );
  // Whole words (a space after each) and typed starts of 3 and 4 letters: a longer start of
  // one of the seed's numbered word families (memory, memory1 … memory40) is not covered by
  // the prefix index (docs/PERFORMANCE.md, issue 16).
  const inLong = cycle([
    ...WORDS.common.slice(0, 3).map((w) => `${w} `),
    ...SEED_WORDS.slice(100, 110).map((w) => `${w} `),
    ...STARTS[3].slice(0, 3),
    ...STARTS[4].slice(0, 3),
  ]);
  await time(
    `matches inside a ${LONG.messages.toLocaleString('en')}-message conversation p95 (to jump to one)`,
    (i) => ({ path: `/api/v1/sessions/${LONG.flowId}/${LONG.sessionId}/matches?q=${inLong(i)}` }),
    20,
    100,
  );
}

async function searchLatencies(url: string): Promise<void> {
  console.log(
    '\n6. Search latency over HTTP, one client (p95 against the target; p50 / p99 / max in the note)',
  );
  await searchRows(timer(url));
}

/** Latency of one client, request after request. */
async function latencies(url: string): Promise<void> {
  console.log('\n6. Latency over HTTP, one client (p95 against the target; p50 / p99 / max in the note)');
  const time = timer(url);
  const list = (query: string) => () => ({ path: `/api/v1/sessions?limit=50${query}` });
  const week = `&startDate=${WEEK.startDate}&endDate=${WEEK.endDate}`;
  await time('session list p95, first page, no filter, newest first', list(''), 10);
  await time('session list p95, first page, no filter, oldest first', list('&sort=ASC'), 10);
  await time('session list p95, first page, last 7 days, newest first', list(week), 10);
  await time('session list p95, first page, last 7 days, oldest first', list(`${week}&sort=ASC`), 10);
  await searchRows(time);

  const pick = sessionPicker(17);
  await time(
    "Flowise route p95, one session's messages",
    () => {
      const n = pick();
      return { path: `/api/v1/chatmessage/${flowOf(n)}?sessionId=session-${n}` };
    },
    5,
  );
  await time('Sim get p95, by conversationId alone', () => ({
    path: `/api/memory?conversationId=session-${pick()}`,
  }));

  // Each delete takes a session of its own from a range nothing above reads afterwards.
  const doomed = sessionPicker(19, 0, SESSIONS);
  const taken = new Set<number>();
  const fresh = () => {
    let n = doomed();
    while (taken.has(n)) n = doomed();
    taken.add(n);
    return n;
  };
  await time(
    'delete one session p95 (to the trash, as the window does)',
    () => {
      const n = fresh();
      return { method: 'DELETE', path: `/api/v1/sessions/${flowOf(n)}/session-${n}` };
    },
    undefined,
    200,
  );
  await time(
    'delete one session p95 (hard, Flowise route)',
    () => {
      const n = fresh();
      return { method: 'DELETE', path: `/api/v1/chatmessage/${flowOf(n)}?sessionId=session-${n}` };
    },
    undefined,
    200,
  );
}

async function windowFirstRows(webUrl: string): Promise<void> {
  console.log(`\n8. The window: first rows of the ${SESSIONS.toLocaleString('en')}-session list (Chromium)`);
  try {
    const times = await firstRowsTimes(webUrl, 5);
    const painted = times.map((t) => t.painted);
    record({
      name: 'window, first rows painted after navigation (slowest of 5 loads)',
      value: Math.max(...painted),
      unit: 'ms',
      target: { op: '<=', value: 1_000 },
      note: `loads: ${painted.map((t) => t.toFixed(0)).join(', ')} ms; Playwright noticed them at ${times.map((t) => t.noticed.toFixed(0)).join(', ')} ms`,
    });
  } catch (error) {
    console.log(`  not measured: ${(error as Error).message.split('\n')[0]}`);
  }
  const script = firstScriptBytes(path.resolve('out/renderer'));
  record({
    name: 'window, renderer first script (entry, preloads, their static imports)',
    value: script.bytes,
    unit: 'bytes',
    target: { op: '<=', value: Math.round(FIRST_SCRIPT_BASELINE.bytes * 1.1) },
    note: `110% of ${FIRST_SCRIPT_BASELINE.bytes.toLocaleString('en')} bytes at ${FIRST_SCRIPT_BASELINE.commit}; the entry that sends the first requests ${script.entryBytes.toLocaleString('en')} bytes of it; ${script.files.map((f) => path.basename(f)).join(', ')}`,
  });
}

// Exits at once: kept-alive client sockets would otherwise hold the process open.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nbenchmark failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
