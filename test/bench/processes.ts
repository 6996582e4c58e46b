/**
 * The benchmark's servers, each in a process of its own (so the load generator in
 * this process never shares their event loop), and their memory as /proc reports it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** SIGTERM, then waits for the exit (Mnemo checkpoints and closes on SIGTERM). */
  stop(): Promise<void>;
}

/** Starts `node args…` and resolves when it prints `… listening on http://…`. */
async function startListening(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  let url: string | undefined;
  while (!url) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (url) break;
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not start; it printed:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    child,
    pid: child.pid as number,
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The built headless server (`npm run serve`) over a data dir, or a PostgreSQL database, with a fixed key. */
export function startMnemo(dataDir: string, apiKey: string, databaseUrl?: string): Promise<ServerProcess> {
  const serve = path.resolve('out/main/serve.js');
  if (!fs.existsSync(serve)) throw new Error(`${serve} is missing: run npm run build first`);
  const database = databaseUrl ? ['--database-url', databaseUrl] : [];
  return startListening([serve, '--port', '0', '--data-dir', dataDir, ...database], {
    MNEMO_API_KEY: apiKey,
  });
}

/** baseline-server.ts through Vite's module runner (TypeScript without a build step). */
export function startBaseline(dbFile: string): Promise<ServerProcess> {
  const entry = path.resolve('test/bench/baseline-server.ts');
  return startListening(['-e', "import('vite').then((vite) => vite.runnerImport(process.argv[1]))", entry], {
    BASELINE_DB: dbFile,
  });
}

/**
 * VmRSS (now) and VmHWM (peak since start) of a process, in MB, and what the RSS is made of:
 * anonymous memory (the JS heap, SQLite's page cache, native allocations) and mapped files
 * (the node binary and libraries; the database file too, if SQLite mapped it).
 */
export function memoryOf(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return {
    rss: kib('VmRSS') / 1024,
    hwm: kib('VmHWM') / 1024,
    anon: kib('RssAnon') / 1024,
    file: (kib('RssFile') + kib('RssShmem')) / 1024,
  };
}

/** Samples a process's RSS every 50 ms while running; `peak()` is the highest sample seen. */
export function rssSampler(pid: number) {
  let peak = memoryOf(pid);
  let running = true;
  const timer = setInterval(() => {
    if (!running) return;
    const now = memoryOf(pid);
    if (now.rss > peak.rss) peak = now;
  }, 50);
  return {
    peak: () => peak,
    stop() {
      running = false;
      clearInterval(timer);
    },
  };
}
