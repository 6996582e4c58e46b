/**
 * Export memory benchmark (SPEC 4.3, 9): the headless server (out/main/serve.js, so run
 * `npm run build` first) exports a seeded database of 1,000,000 messages in 100,000
 * sessions over 3 flows and 365 days, as Mnemo JSON and as Markdown, while this script
 * samples the server's resident memory from /proc. It prints the figures and exits 1 if
 * the server's peak RSS reaches 200 MB.
 *
 *   node -e "import('vite').then((v) => v.runnerImport('./test/bench/export-rss.ts'))"
 *
 * MNEMO_BENCH_DIR=<dir> keeps the seeded data dir there and reuses it on the next run.
 * MNEMO_BENCH_MESSAGES / MNEMO_BENCH_SESSIONS scale the data (defaults 1,000,000 / 100,000).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATABASE_FILE } from '../../src/main/store';
import { seedDataDir } from '../helpers/seed';

/** The built headless server, run from the repository root (this may run where __dirname is not set). */
const SERVE = path.resolve('out/main/serve.js');

const LIMIT_MB = 200;
const MESSAGES = Number(process.env.MNEMO_BENCH_MESSAGES ?? 1_000_000);
const SESSIONS = Number(process.env.MNEMO_BENCH_SESSIONS ?? 100_000);
const END = Date.parse('2026-01-01T00:00:00.000Z');

const mb = (kib: number) => kib / 1024;
const fmt = (n: number) => n.toFixed(1);

/** VmRSS (now) and VmHWM (peak since start) of a process, in KiB. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** Polls a process's RSS every 20 ms until stopped; answers the highest seen. */
function sampler(pid: number) {
  let peak = memoryOf(pid).rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryOf(pid).rss);
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, memoryOf(pid).rss);
  };
}

async function prepare(): Promise<{ dataDir: string; cleanup: () => void }> {
  const keep = process.env.MNEMO_BENCH_DIR;
  const root = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-export-rss-'));
  const dataDir = path.join(root, `data-${SESSIONS}-${MESSAGES}`);
  if (!fs.existsSync(path.join(dataDir, DATABASE_FILE))) {
    console.log(`seeding ${MESSAGES.toLocaleString()} messages in ${SESSIONS.toLocaleString()} sessions…`);
    const seeded = await seedDataDir(dataDir, {
      sessions: SESSIONS,
      messages: MESSAGES,
      flows: 3,
      days: 365,
      end: END,
    });
    console.log(`seeded in ${fmt(seeded.ms / 1000)} s`);
  } else {
    console.log(`reusing ${dataDir}`);
  }
  return { dataDir, cleanup: () => (keep ? undefined : fs.rmSync(root, { recursive: true, force: true })) };
}

interface Pass {
  bytes: number;
  lines: number;
  seconds: number;
  peakRss: number;
}

/** Downloads an export; `slow` reads a piece every 50 ms for 10 s, then hangs up (backpressure). */
async function exportPass(url: string, key: string, pid: number, query: string, slow = false): Promise<Pass> {
  const stop = sampler(pid);
  const started = performance.now();
  const controller = new AbortController();
  const res = await fetch(`${url}/api/v1/export?${query}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: controller.signal,
  });
  if (!res.ok || !res.body) throw new Error(`export ${query}: ${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 10) lines += 1;
    if (slow) {
      await new Promise((r) => setTimeout(r, 50));
      if (performance.now() - started > 10_000) {
        controller.abort();
        break;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { bytes, lines, seconds, peakRss: stop() };
}

/** `npm run serve` on a free port over the data dir; resolves once it listens. */
async function startServer(dataDir: string) {
  const child = spawn(process.execPath, [SERVE, '--port', '0', '--data-dir', dataDir], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const started = Date.now();
  for (;;) {
    const url = /^Mnemo API listening on (http:\/\/\S+)$/m.exec(out)?.[1];
    if (url) break;
    if (child.exitCode !== null || Date.now() - started > 120_000) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid as number,
    url: /^Mnemo API listening on (http:\/\/\S+)$/m.exec(out)?.[1] as string,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVE))
    throw new Error(`${SERVE} is missing: run \`npm run build\` first (from the repository root)`);
  const { dataDir, cleanup } = await prepare();
  const server = await startServer(dataDir);
  try {
    const pid = server.pid;
    const key = fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
    const idle = memoryOf(pid);
    console.log(`server RSS after start: ${fmt(mb(idle.rss))} MB`);

    const flows = (await (
      await fetch(`${server.url}/api/v1/flows`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { items: unknown[] };
    const json = await exportPass(server.url, key, pid, 'format=json');
    // One line per flow and per session, plus three (the sessions' opening, the two closing brackets).
    const sessions = json.lines - flows.items.length - 3;
    console.log(
      `export JSON: ${fmt(json.bytes / 1e6)} MB, ${sessions.toLocaleString()} sessions in ${fmt(json.seconds)} s ` +
        `(${fmt(json.bytes / 1e6 / json.seconds)} MB/s); server peak RSS during it ${fmt(mb(json.peakRss))} MB`,
    );
    if (sessions !== SESSIONS) throw new Error(`expected ${SESSIONS} session lines, got ${sessions}`);

    const md = await exportPass(server.url, key, pid, 'format=markdown');
    console.log(
      `export Markdown: ${fmt(md.bytes / 1e6)} MB in ${fmt(md.seconds)} s; server peak RSS during it ${fmt(mb(md.peakRss))} MB`,
    );

    const slow = await exportPass(server.url, key, pid, 'format=json', true);
    console.log(
      `slow reader (10 s, then hangs up): read ${fmt(slow.bytes / 1e6)} MB; server peak RSS ${fmt(mb(slow.peakRss))} MB`,
    );

    // The server still answers after a client hung up mid-export.
    const health = await fetch(`${server.url}/api/v1/health`);
    if (!health.ok) throw new Error(`health after the exports: ${health.status}`);

    const hwm = mb(memoryOf(pid).hwm);
    console.log(`server peak RSS (VmHWM, whole run): ${fmt(hwm)} MB (limit ${LIMIT_MB} MB)`);
    if (hwm >= LIMIT_MB) {
      console.error(`FAIL: the server's peak RSS ${fmt(hwm)} MB is not under ${LIMIT_MB} MB`);
      process.exitCode = 1;
    } else {
      console.log('OK');
    }
  } finally {
    await server.stop();
    cleanup();
  }
}

await main();
