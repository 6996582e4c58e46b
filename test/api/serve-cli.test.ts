import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVE, type ServeProcess, serveBuilt, startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/tmp';

// The built headless entry, as `npm run serve` runs it (npm test builds before this runs).
const running: ServeProcess[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const serve of running.splice(0)) await serve.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

describe.skipIf(!serveBuilt())('npm run serve', () => {
  it('prints the API and web UI lines, keeps data private, and stops cleanly on SIGTERM', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'nested', 'data');
    const serve = await startServe(dataDir);
    running.push(serve);
    const { url, port } = serve;
    expect(port).toBeGreaterThan(0);
    const [, key] = await serve.waitForOutput(
      /^Mnemo web UI: http:\/\/127\.0\.0\.1:\d+\/#key=([A-Za-z0-9_-]+)$/m,
    );
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

    expect((await serve.kill('SIGTERM')).code).toBe(0);
    // The WAL was checkpointed into the main file on the way out.
    const wal = path.join(dataDir, 'mnemo.db-wal');
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    expect(serve.output()).not.toContain('Error');
  });

  it('takes the key from MNEMO_API_KEY and writes no key file', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const serve = await startServe(tmp.dir, { MNEMO_API_KEY: 'env-key-123456' });
    running.push(serve);
    const ok = await fetch(`${serve.url}/api/v1/server`, {
      headers: { authorization: 'Bearer env-key-123456' },
    });
    expect(ok.status).toBe(200);
    expect(fs.existsSync(path.join(tmp.dir, 'api-key'))).toBe(false);
    expect((await serve.kill('SIGINT')).code).toBe(0);
  });

  it('exits with a clear message for a bad flag', async () => {
    const child = spawn(process.execPath, [SERVE, '--port', 'nope'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(out).toMatch(/Mnemo could not start: --port must be a port number/);
  });
});
