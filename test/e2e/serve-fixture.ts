import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

export interface ServedMnemo {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  key: string;
  /** The web UI address with the key in the fragment, as the server prints it. */
  webUrl: string;
  dataDir: string;
  /** fetch against the API with the key. */
  api(pathAndQuery: string, init?: { method?: string; json?: unknown }): Promise<Response>;
}

/** `npm run serve -- --port 0 --data-dir <temp>` (the built entry), one per test. */
async function startServe(): Promise<{ served: ServedMnemo; child: ChildProcess; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-e2e-'));
  const dataDir = path.join(dir, 'data');
  const child = spawn(process.execPath, ['out/main/serve.js', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MNEMO_API_KEY: '' },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const webUrl = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const m = out.match(/^Mnemo web UI: (\S+)$/m);
      if (m?.[1]) return resolve(m[1]);
      if (child.exitCode !== null || Date.now() - started > 15_000) {
        return reject(new Error(`serve did not start:\n${out}`));
      }
      setTimeout(tick, 20);
    };
    tick();
  });
  const url = new URL(webUrl).origin;
  const key = decodeURIComponent(webUrl.split('#key=')[1] ?? '');
  const served: ServedMnemo = {
    url,
    key,
    webUrl,
    dataDir,
    api: (pathAndQuery, init = {}) =>
      fetch(url + pathAndQuery, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${key}`,
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }),
  };
  return {
    served,
    child,
    cleanup: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ mnemo: ServedMnemo }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture parameters from this pattern
  mnemo: async ({}, use) => {
    const { served, cleanup, child } = await startServe();
    await use(served);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    cleanup();
  },
});

export { expect } from '@playwright/test';
