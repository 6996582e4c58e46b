import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';

// The built headless entry, as `npm run serve` runs it (npm test builds before this runs).
const SERVE = path.resolve(__dirname, '../../out/main/serve.js');

function startServe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [SERVE, ...args], {
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
  const waitFor = (pattern: RegExp, ms = 10_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const tick = () => {
        const match = out.match(pattern);
        if (match) return resolve(match);
        if (Date.now() - started > ms)
          return reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
        setTimeout(tick, 20);
      };
      tick();
    });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, waitFor, exited, output: () => out };
}

const children: ChildProcess[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

describe.skipIf(!fs.existsSync(SERVE))('npm run serve', () => {
  it('prints the API and web UI lines, keeps data private, and stops cleanly on SIGTERM', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'nested', 'data');
    const serve = startServe(['--port', '0', '--data-dir', dataDir]);
    children.push(serve.child);

    const [, url, port] = await serve.waitFor(/^Mnemo API listening on (http:\/\/127\.0\.0\.1:(\d+))$/m);
    expect(Number(port)).toBeGreaterThan(0);
    const [, key] = await serve.waitFor(/^Mnemo web UI: http:\/\/127\.0\.0\.1:\d+\/#key=([A-Za-z0-9_-]+)$/m);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dataDir, 'api-key')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim()).toBe(key);

    const health = await fetch(`${url}/api/v1/health`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${url}/api/v1/server`)).status).toBe(401);
    const authed = await fetch(`${url}/api/v1/server`, { headers: { authorization: `Bearer ${key}` } });
    expect(authed.status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="root">');

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    // The WAL was checkpointed into the main file on the way out.
    const wal = path.join(dataDir, 'mnemo.db-wal');
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    expect(serve.output()).not.toContain('Error');
  });

  it('takes the key from MNEMO_API_KEY and writes no key file', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const serve = startServe(['--port', '0', '--data-dir', tmp.dir], { MNEMO_API_KEY: 'env-key-123456' });
    children.push(serve.child);
    const [, url] = await serve.waitFor(/listening on (http:\/\/\S+)/);
    const ok = await fetch(`${url}/api/v1/server`, { headers: { authorization: 'Bearer env-key-123456' } });
    expect(ok.status).toBe(200);
    expect(fs.existsSync(path.join(tmp.dir, 'api-key'))).toBe(false);
    serve.child.kill('SIGINT');
    expect(await serve.exited).toBe(0);
  });

  it('exits with a clear message for a bad flag', async () => {
    const serve = startServe(['--port', 'nope']);
    children.push(serve.child);
    expect(await serve.exited).toBe(2);
    expect(serve.output()).toMatch(/Mnemo could not start: --port must be a port number/);
  });
});
