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
  const started = Date.now();
  let match: RegExpMatchArray | null = null;
  while (!match) {
    match = out.match(/^Mnemo API listening on (http:\/\/127\.0\.0\.1:(\d+))$/m);
    if (match) break;
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start (exit ${child.exitCode}); output:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    child,
    url: match[1] as string,
    port: Number(match[2]),
    output: () => out,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
