/**
 * The built headless server (out/main/serve.js, as `npm run serve` runs it) as a child
 * process: started on a free port over a given data dir, its output captured, ended
 * politely (SIGTERM) or not (SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const SERVE = path.resolve(__dirname, '../../out/main/serve.js');
export const serveBuilt = () => fs.existsSync(SERVE);

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Waits until the output matches (e.g. the web UI line, printed after the listening one). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServe(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 15_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [SERVE, '--port', '0', '--data-dir', dataDir], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  async function waitForOutput(pattern: RegExp, ms = timeoutMs): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const match = out.match(pattern);
      if (match) return match;
      if (child.exitCode !== null || Date.now() - started > ms) {
        child.kill('SIGKILL');
        throw new Error(`serve did not print ${pattern} (exit ${child.exitCode}); output:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const match = await waitForOutput(/^Mnemo API listening on (http:\/\/127\.0\.0\.1:(\d+))$/m);
  return {
    child,
    url: match[1] as string,
    port: Number(match[2]),
    output: () => out,
    waitForOutput,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
