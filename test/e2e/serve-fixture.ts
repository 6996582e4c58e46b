import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { startServe as startServeProcess } from '../helpers/serve-process';

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

/** Runs on the data dir before the server opens it (seeding through the store). */
export type Prepare = (dataDir: string) => Promise<unknown>;

/** `npm run serve -- --port 0 --data-dir <temp>` (the built entry, generating its key). */
export async function startServe(
  prepare?: Prepare,
): Promise<{ served: ServedMnemo; child: ChildProcess; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-e2e-'));
  const dataDir = path.join(dir, 'data');
  if (prepare) await prepare(dataDir);
  const serve = await startServeProcess(dataDir, { ...process.env, MNEMO_API_KEY: '' });
  const { child } = serve;
  const [, webUrl = ''] = await serve.waitForOutput(/^Mnemo web UI: (\S+)$/m);
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

/** Ends a server politely and removes its data dir. */
export async function stopServe({ child, cleanup }: Awaited<ReturnType<typeof startServe>>): Promise<void> {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  cleanup();
}

export const test = base.extend<{
  /** Starts a server (after `prepare` ran on its data dir); stopped when the test ends. */
  startMnemo: (prepare?: Prepare) => Promise<ServedMnemo>;
  /** A server over an empty data dir. */
  mnemo: ServedMnemo;
}>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture parameters from this pattern
  startMnemo: async ({}, use) => {
    const started: Awaited<ReturnType<typeof startServe>>[] = [];
    await use(async (prepare) => {
      const s = await startServe(prepare);
      started.push(s);
      return s.served;
    });
    for (const s of started) await stopServe(s);
  },
  mnemo: async ({ startMnemo }, use) => {
    await use(await startMnemo());
  },
});

export { expect } from '@playwright/test';
