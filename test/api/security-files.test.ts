/**
 * SPEC 2 and 7: the data dir is private (0700) and the key file too (0600), also when
 * they existed before with looser modes, and after the key is regenerated.
 * (serve-cli.test.ts checks a fresh data dir made by `npm run serve`.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Mnemo, startMnemo } from '../../src/main/core';
import { tempDir } from '../helpers/tmp';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const opened: Mnemo[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const m of opened.splice(0)) await m.close();
  for (const c of cleanups.splice(0)) c();
});

async function start(dataDir: string) {
  const mnemo = await startMnemo({ host: '127.0.0.1', port: 0, dataDir, corsOrigins: [] }, { env: {} });
  opened.push(mnemo);
  return mnemo;
}

function looseDataDir(dirMode: number, key?: { text: string; mode: number }) {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  const dataDir = path.join(tmp.dir, 'data');
  fs.mkdirSync(dataDir);
  fs.chmodSync(dataDir, dirMode);
  if (key) {
    fs.writeFileSync(path.join(dataDir, 'api-key'), `${key.text}\n`);
    fs.chmodSync(path.join(dataDir, 'api-key'), key.mode);
  }
  return dataDir;
}

describe('private files', () => {
  it('tightens a 0755 data dir and a 0644 key file, keeping the key', async () => {
    const dataDir = looseDataDir(0o755, { text: 'existing-key-0123456789', mode: 0o644 });
    const mnemo = await start(dataDir);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'api-key'))).toBe(0o600);
    expect(mnemo.apiKey()).toBe('existing-key-0123456789');
  });

  it('tightens a world-writable 0777 data dir and writes a new key 0600', async () => {
    const dataDir = looseDataDir(0o777);
    const mnemo = await start(dataDir);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'api-key'))).toBe(0o600);
    expect(fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim()).toBe(mnemo.apiKey());
  });

  it('keeps the key file 0600 when the key is regenerated, and leaves no temp file behind', async () => {
    const dataDir = looseDataDir(0o750, { text: 'old-key-0123456789', mode: 0o666 });
    const mnemo = await start(dataDir);
    const res = await fetch(`${mnemo.address.url}/api/v1/settings/api-key`, {
      method: 'POST',
      headers: { authorization: 'Bearer old-key-0123456789', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    const { apiKey } = (await res.json()) as { apiKey: string };
    expect(fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim()).toBe(apiKey);
    expect(mode(path.join(dataDir, 'api-key'))).toBe(0o600);
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('tmp'))).toEqual([]);
  });
});
