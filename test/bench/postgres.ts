/**
 * The benchmark's PostgreSQL rows (issue 17), measured against SQLite at the same scale
 * in the same minutes: a throwaway cluster, the same seed imported into both stores (1,000,000
 * messages if PostgreSQL's import of a tenth of it says the whole would fit in about 2
 * minutes, else 100,000), then append throughput through one and through two `serve`
 * processes on the one database, the session list's first page, one session's messages
 * through the Flowise route (p95 and req/s) and full-text search, each row for SQLite and
 * for PostgreSQL one after the other. The cluster is stopped at the end, failed or not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openPgStore } from '../../src/main/store/postgres';
import { SEED_WORDS, seedDataDir, seedFlowIds, seedStore } from '../helpers/seed';
import { cpuMeter } from './cpu';
import { measureLatency } from './latency';
import { type LoadResult, runLoad, simAddRequest } from './load';
import { pgMissing, startPgCluster } from './pg-cluster';
import { type ServerProcess, startMnemo } from './processes';
import type { Figure } from './report';

/** The import of the whole seed may take this long; else the rows are measured on a tenth of it. */
const IMPORT_BUDGET_S = 120;

export interface PgBenchOptions {
  tmp: string;
  key: string;
  sessions: number;
  messages: number;
  flows: number;
  days: number;
  end: number;
  seconds: number;
  connections: number;
  record(figure: Figure): void;
}

interface Scale {
  sessions: number;
  messages: number;
}
const scaleText = (s: Scale) =>
  `${s.messages.toLocaleString('en')} messages in ${s.sessions.toLocaleString('en')} sessions`;

export async function postgresBench(o: PgBenchOptions): Promise<void> {
  console.log(
    '\n9. PostgreSQL (issue 17): the same seed in both stores, SQLite then PostgreSQL for each row',
  );
  const missing = pgMissing();
  if (missing) {
    console.log(`  PostgreSQL: not measured: ${missing}`);
    return;
  }
  let cluster: ReturnType<typeof startPgCluster>;
  try {
    cluster = startPgCluster();
  } catch (error) {
    console.log(
      `  PostgreSQL: not measured: no cluster started (${(error as Error).message.split('\n')[0]})`,
    );
    return;
  }
  const servers: ServerProcess[] = [];
  try {
    console.log(`  ${cluster.version}, a throwaway cluster (fsync off, as the test clusters)`);
    const seedOptions = (s: Scale) => ({ seed: 1, ...s, flows: o.flows, days: o.days, end: o.end });
    const importPg = async (database: string, s: Scale) => {
      cluster.createDatabase(database);
      const store = await openPgStore({ url: cluster.urlOf(database) });
      try {
        return (await seedStore(store, seedOptions(s))).ms / 1000;
      } finally {
        await store.close();
      }
    };

    const full = { sessions: o.sessions, messages: o.messages };
    const tenth = { sessions: Math.round(o.sessions / 10), messages: Math.round(o.messages / 10) };
    let scale = tenth;
    let database = 'mnemo_bench_tenth';
    const probe = await importPg(database, tenth);
    console.log(`  imported ${scaleText(tenth)} into PostgreSQL in ${probe.toFixed(1)} s`);
    if (probe * 10 <= IMPORT_BUDGET_S) {
      scale = full;
      database = 'mnemo_bench_full';
      const seconds = await importPg(database, full);
      console.log(`  imported ${scaleText(full)} into PostgreSQL in ${seconds.toFixed(1)} s`);
      o.record({ name: `PostgreSQL bulk import, ${scaleText(full)}`, value: seconds, unit: 's' });
    } else {
      console.log(
        `  the whole seed would take about ${(probe * 10).toFixed(0)} s, over the ${IMPORT_BUDGET_S} s allowed: ` +
          `the PostgreSQL rows are measured on ${scaleText(tenth)} (and SQLite's beside them too)`,
      );
      o.record({ name: `PostgreSQL bulk import, ${scaleText(tenth)}`, value: probe, unit: 's' });
    }
    const sqliteDir = path.join(o.tmp, 'pg-compare-sqlite');
    const sqliteSeed = await seedDataDir(sqliteDir, seedOptions(scale));
    console.log(`  imported the same into SQLite in ${(sqliteSeed.ms / 1000).toFixed(1)} s`);

    const url = cluster.urlOf(database);
    const start = async (name: string, databaseUrl?: string) => {
      const dir = path.join(o.tmp, name);
      fs.mkdirSync(dir, { recursive: true });
      const server = await startMnemo(databaseUrl ? dir : sqliteDir, o.key, databaseUrl);
      servers.push(server);
      return server;
    };
    const [sqlite, pgA, pgB] = [await start('sqlite'), await start('pg-a', url), await start('pg-b', url)];
    console.log(`  servers: SQLite ${sqlite.url}, PostgreSQL ${pgA.url} and ${pgB.url} (one database)`);

    const ctx = {
      ...o,
      scale,
      sqlite: sqlite.url,
      pgA: pgA.url,
      pgB: pgB.url,
      pids: { sqlite: sqlite.pid, pgA: pgA.pid, pgB: pgB.pid, postgres: cluster.pid },
      label: scaleText(scale),
    };
    await appends(ctx);
    await reads(ctx);
  } finally {
    for (const server of servers) await server.stop();
    cluster.stop();
  }
}

interface Ctx extends PgBenchOptions {
  scale: Scale;
  sqlite: string;
  pgA: string;
  pgB: string;
  pids: { sqlite: number; pgA: number; pgB: number; postgres: number };
  label: string;
}

/** A deterministic stream of session numbers in [from, to). */
function picker(seed: number, from: number, to: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return from + (state % (to - from));
  };
}

const ratioFigure = (name: string, value: number, note: string, target?: Figure['target']): Figure => ({
  name,
  value,
  unit: '×',
  target,
  note,
});

/** Sim adds to the 1,000 most recently started conversations (as run.ts's append row), 10 connections in all. */
async function appends(c: Ctx): Promise<void> {
  const flows = seedFlowIds(c.flows);
  const pick = picker(7, Math.max(0, c.scale.sessions - 1_000), c.scale.sessions);
  const append = (i: number) => {
    const n = pick();
    return simAddRequest(n, flows[n % flows.length] as string, i);
  };
  const auth = { authorization: `Bearer ${c.key}` };
  const load = (url: string, connections: number, seconds = c.seconds) =>
    runLoad(url, auth, append, { connections, seconds });
  const check = (name: string, r: LoadResult) => {
    console.log(
      `  append, ${name}: ${r.requestsPerSecond.toFixed(0)} requests/s, p50 ${r.latencyP50} ms, p99 ${r.latencyP99} ms, failed ${r.failed}`,
    );
    if (r.failed > 0) throw new Error(`append, ${name}: ${r.failed} failed`);
  };
  console.log(
    `\n  Append one message (Sim add), ${c.connections} connections in all, ${c.seconds} s each after 2 s of warm-up`,
  );
  const { pids } = c;
  await load(c.sqlite, c.connections, 2);
  let cpu = cpuMeter({ serve: [pids.sqlite] });
  const sqlite = await load(c.sqlite, c.connections);
  check('SQLite', sqlite);
  console.log(`    ${cpu.end(sqlite.ok)}`);
  await load(c.pgA, c.connections, 2);
  cpu = cpuMeter({ serve: [pids.pgA], PostgreSQL: [pids.postgres] });
  const one = await load(c.pgA, c.connections);
  check('PostgreSQL, one process', one);
  console.log(`    ${cpu.end(one.ok)}`);
  const half = Math.ceil(c.connections / 2);
  await Promise.all([load(c.pgA, half, 2), load(c.pgB, c.connections - half, 2)]);
  cpu = cpuMeter({ 'serve A': [pids.pgA], 'serve B': [pids.pgB], PostgreSQL: [pids.postgres] });
  const [a, b] = await Promise.all([load(c.pgA, half), load(c.pgB, c.connections - half)]);
  const two = a.requestsPerSecond + b.requestsPerSecond;
  check(`PostgreSQL, process A of two (${half} connections)`, a);
  check(`PostgreSQL, process B of two (${c.connections - half} connections)`, b);
  console.log(`    ${cpu.end(a.ok + b.ok)}`);
  c.record({
    name: 'PostgreSQL append, one process',
    value: one.requestsPerSecond,
    unit: 'req/s',
    note: c.label,
  });
  c.record({ name: 'PostgreSQL append, two processes', value: two, unit: 'req/s', note: c.label });
  c.record(
    ratioFigure(
      'PostgreSQL append, two processes / one',
      two / one.requestsPerSecond,
      `${two.toFixed(0)} / ${one.requestsPerSecond.toFixed(0)} req/s`,
      { op: '>=', value: 1.5 },
    ),
  );
  c.record(
    ratioFigure(
      'PostgreSQL append, one process / SQLite',
      one.requestsPerSecond / sqlite.requestsPerSecond,
      `${one.requestsPerSecond.toFixed(0)} / ${sqlite.requestsPerSecond.toFixed(0)} req/s`,
    ),
  );
}

/** One client's p95 on SQLite then on PostgreSQL; the PostgreSQL figure and its ratio to SQLite's are recorded. */
async function compareP95(
  c: Ctx,
  name: string,
  next: () => { path: string },
  maxRatio?: number,
): Promise<void> {
  const auth = { authorization: `Bearer ${c.key}` };
  const sqlite = await measureLatency(c.sqlite, auth, next, { count: 200 });
  const pg = await measureLatency(c.pgA, auth, next, { count: 200 });
  const detail = (r: typeof pg) =>
    `p50 ${r.p50.toFixed(2)}, p95 ${r.p95.toFixed(2)}, p99 ${r.p99.toFixed(2)} ms`;
  console.log(`  ${name}: SQLite ${detail(sqlite)}; PostgreSQL ${detail(pg)}`);
  c.record({
    name: `PostgreSQL ${name} p95`,
    value: pg.p95,
    unit: 'ms',
    note: `SQLite ${sqlite.p95.toFixed(2)} ms; ${c.label}`,
  });
  c.record(
    ratioFigure(
      `PostgreSQL / SQLite, ${name} p95`,
      pg.p95 / sqlite.p95,
      `${pg.p95.toFixed(2)} / ${sqlite.p95.toFixed(2)} ms`,
      maxRatio === undefined ? undefined : { op: '<=', value: maxRatio },
    ),
  );
}

async function reads(c: Ctx): Promise<void> {
  const flows = seedFlowIds(c.flows);
  console.log(
    '\n  Reads: one client, request after request (200 timed after 20 untimed), SQLite then PostgreSQL',
  );
  await compareP95(
    c,
    'session list, first page, newest first',
    () => ({ path: '/api/v1/sessions?limit=50' }),
    2,
  );
  const pick = picker(17, 0, c.scale.sessions);
  const session = () => {
    const n = pick();
    return { path: `/api/v1/chatmessage/${flows[n % flows.length]}?sessionId=session-${n}` };
  };
  await compareP95(c, "Flowise route, one session's messages", session, 2);
  const mid = SEED_WORDS.slice(300, 320);
  let w = 0;
  await compareP95(c, 'full-text search (mid words)', () => ({
    path: `/api/v1/search?q=${encodeURIComponent(mid[w++ % mid.length] as string)}%20&limit=50`,
  }));

  console.log(
    `\n  Flowise route, one session's messages, ${c.connections} connections, ${c.seconds} s after 2 s of warm-up`,
  );
  const auth = { authorization: `Bearer ${c.key}` };
  const throughput = async (url: string, groups: Parameters<typeof cpuMeter>[0]) => {
    await runLoad(url, auth, session, { connections: c.connections, seconds: 2 });
    const cpu = cpuMeter(groups);
    const r = await runLoad(url, auth, session, { connections: c.connections, seconds: c.seconds });
    if (r.failed > 0) throw new Error(`${r.failed} Flowise reads failed`);
    console.log(`    ${cpu.end(r.ok)}`);
    return r.requestsPerSecond;
  };
  const sqlite = await throughput(c.sqlite, { serve: [c.pids.sqlite] });
  const pg = await throughput(c.pgA, { serve: [c.pids.pgA], PostgreSQL: [c.pids.postgres] });
  console.log(`  SQLite ${sqlite.toFixed(0)} req/s, PostgreSQL ${pg.toFixed(0)} req/s`);
  c.record({
    name: "PostgreSQL Flowise route, one session's messages",
    value: pg,
    unit: 'req/s',
    note: c.label,
  });
  c.record(
    ratioFigure(
      'PostgreSQL / SQLite, Flowise route req/s',
      pg / sqlite,
      `${pg.toFixed(0)} / ${sqlite.toFixed(0)} req/s`,
    ),
  );
}
