import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { MnemoBridge } from '../../src/shared/contract';
import { seedAt } from './data';
import { rowTitles, sessionList } from './ui';

/** The Electron runtime, if `npm install` could download it (not on an offline machine). */
function electronRuntime(): string | undefined {
  try {
    const dir = path.resolve('node_modules/electron');
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const binary = path.join(dir, 'dist', rel);
    return fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const runtime = electronRuntime();
if (!runtime) {
  console.log('Electron smoke test skipped: the Electron runtime is not installed (offline install).');
}

test.describe('desktop app', () => {
  test.skip(
    !runtime,
    'the Electron runtime is not installed (offline install); run `npm install` with internet',
  );

  test('opens the window and shows health through the preload bridge', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-electron-'));
    const app = await electron.launch({
      executablePath: runtime,
      args: ['.', '--no-sandbox'],
      env: { ...process.env, MNEMO_DATA_DIR: dataDir, MNEMO_PORT: '0' },
    });
    const window = await app.firstWindow();
    await window.getByRole('button', { name: 'Status' }).click();
    await expect(window.getByTestId('health-status')).toHaveText('ok');
    // Isolated and sandboxed: no Node in the page, only the typed bridge.
    const globals = await window.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      bridge: Object.keys((window as unknown as { mnemo: object }).mnemo).sort(),
    }));
    expect(globals.require).toBe('undefined');
    expect(globals.process).toBe('undefined');
    expect(globals.bridge).toContain('health');
    expect(globals.bridge).not.toContain('invoke');
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('drives the same session list over IPC: open, keyboard, live update from the API', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-electron-'));
    const now = Date.now();
    await seedAt(dataDir, [
      { sessionId: 'older', messages: [{ role: 'user', content: 'An older question', at: now - 60_000 }] },
      { sessionId: 'newer', messages: [{ role: 'user', content: 'A newer question', at: now - 1_000 }] },
    ]);
    const app = await electron.launch({
      executablePath: runtime,
      args: ['.', '--no-sandbox'],
      env: { ...process.env, MNEMO_DATA_DIR: dataDir, MNEMO_PORT: '0' },
    });
    const window = await app.firstWindow();
    await expect.poll(() => rowTitles(window)).toEqual(['A newer question', 'An older question']);
    await expect(window.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();

    const list = sessionList(window);
    await list.focus();
    await window.keyboard.press('ArrowDown');
    await window.keyboard.press('Enter');
    await expect(window.getByRole('region', { name: 'Conversation An older question' })).toBeVisible();

    // A script writes through the HTTP API; the window hears of it over IPC.
    const { apiUrl, apiKey } = await window.evaluate(async () => {
      const bridge = (window as unknown as { mnemo: MnemoBridge }).mnemo;
      const server = await bridge.serverInfo({});
      const key = await bridge.getApiKey({});
      if (!server.ok || !key.ok) throw new Error('bridge refused');
      return { apiUrl: server.value.apiUrl, apiKey: key.value.apiKey };
    });
    const posted = await fetch(`${apiUrl}/api/memory`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'script', role: 'user', content: 'Posted by a script' }),
    });
    expect(posted.status).toBe(200);
    await expect
      .poll(() => rowTitles(window))
      .toEqual(['Posted by a script', 'A newer question', 'An older question']);
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
