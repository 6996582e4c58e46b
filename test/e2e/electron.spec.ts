import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

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
});
