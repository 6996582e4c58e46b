import { describe, expect, it } from 'vitest';
import { type IpcMainLike, registerIpc } from '../../src/main/ipc';
import type { Handlers } from '../../src/shared/contract';
import { ipcChannel, operationNames } from '../../src/shared/contract';

// Electron's ipcMain cannot exist in a unit test: this records what is registered.
function fakeIpcMain() {
  const listeners = new Map<string, (event: never, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void listeners.set(channel, listener) };
  const call = (channel: string, senderUrl: string | undefined, arg: unknown) =>
    listeners.get(channel)?.({ senderFrame: senderUrl ? { url: senderUrl } : null } as never, arg);
  return { ipcMain, listeners, call };
}

const TRUSTED = 'file:///app/out/renderer/index.html';
const calls: unknown[] = [];
const handlers = {
  health: async () => ({ status: 'ok', version: '1.0.0', schemaVersion: 3 }),
  serverInfo: async () => ({ apiUrl: 'http://127.0.0.1:1', dataDir: '/d' }),
  getApiKey: async () => ({ apiKey: 'k', fromEnv: false }),
  regenerateApiKey: async (input: unknown) => {
    calls.push(input);
    return { apiKey: 'k2', fromEnv: false };
  },
} as unknown as Handlers;

describe('IPC handlers', () => {
  const ipc = fakeIpcMain();
  registerIpc(ipc.ipcMain, handlers, (url) => url === TRUSTED);

  it('registers one channel per operation of the contract', () => {
    expect([...ipc.listeners.keys()].sort()).toEqual(operationNames.map(ipcChannel).sort());
  });

  it('answers the trusted window', async () => {
    expect(await ipc.call(ipcChannel('health'), TRUSTED, {})).toEqual({
      ok: true,
      value: { status: 'ok', version: '1.0.0', schemaVersion: 3 },
    });
  });

  it('refuses a sender frame that is not Mnemo’s window, without running the handler', async () => {
    const before = calls.length;
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', undefined]) {
      const result = await ipc.call(ipcChannel('regenerateApiKey'), url, {});
      expect(result).toMatchObject({ ok: false, status: 403 });
    }
    expect(calls.length).toBe(before);
  });

  it('refuses arguments that are not an object, naming the problem', async () => {
    const result = (await ipc.call(ipcChannel('regenerateApiKey'), TRUSTED, 'not an object')) as {
      ok: boolean;
      status: number;
      message: string;
    };
    expect(result.ok).toBe(false);
    expect(result.status).toBe(400);
    expect(result.message).toMatch(/object/i);
  });
});
