import { describe, expect, it } from 'vitest';
import { type IpcMainLike, registerIpc } from '../../src/main/ipc';
import { trustedPage } from '../../src/main/window-options';
import type { Handlers } from '../../src/shared/contract';
import { ipcChannel, type OperationName, operationNames } from '../../src/shared/contract';

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

describe('IPC refusals (SPEC 7): every operation, the real sender check', () => {
  const called: string[] = [];
  const recording = Object.fromEntries(
    operationNames.map((name) => [
      name,
      async () => {
        called.push(name);
        return {};
      },
    ]),
  ) as unknown as Handlers;
  const ipc = fakeIpcMain();
  registerIpc(ipc.ipcMain, recording, trustedPage('/app/out/renderer/index.html', 'http://localhost:5173'));

  it('refuses, on every channel, a sender that is not Mnemo’s page, before validating or running anything', async () => {
    const senders = [
      'https://evil.example/',
      'http://localhost:5173.evil.example/',
      'file:///app/out/renderer/index.html.evil',
      'file:///tmp/index.html',
      undefined,
    ];
    for (const name of operationNames) {
      for (const url of senders) {
        const result = await ipc.call(ipcChannel(name), url, {});
        expect({ name, url, result }).toMatchObject({ name, url, result: { ok: false, status: 403 } });
      }
    }
    expect(called).toEqual([]);
  });

  it('refuses an argument that is not an object on every channel, naming the problem', async () => {
    for (const name of operationNames) {
      for (const raw of ['x', 42, true, ['a']]) {
        const result = await ipc.call(ipcChannel(name), TRUSTED, raw);
        expect({ name, raw, result }).toMatchObject({ name, raw, result: { ok: false, status: 400 } });
      }
    }
    expect(called).toEqual([]);
  });

  const invalid: Array<[OperationName, unknown, RegExp]> = [
    ['getSession', { flowId: 'default' }, /sessionId/],
    ['getSession', { flowId: '../etc', sessionId: 'x' }, /flowId/],
    ['getSession', { flowId: 'default', sessionId: 'bad\u0000id' }, /sessionId.*control/],
    ['getSession', { flowId: 'default', sessionId: 'x'.repeat(256) }, /sessionId/],
    ['renameSession', { flowId: 'default', sessionId: 's', title: 42 }, /title/],
    ['renameSession', { flowId: 'default', sessionId: 's', title: '   ' }, /title/],
    ['deleteSession', { flowId: 'default/x', sessionId: 's' }, /flowId/],
    ['deleteSessions', { filter: {}, expectedCount: -1 }, /expectedCount/],
    ['deleteSessions', { filter: { startDate: 'yesterday' }, expectedCount: 0 }, /startDate/],
    ['continueSession', { flowId: 'default', sessionId: 's', content: '' }, /content/],
    [
      'continueSession',
      { flowId: 'default', sessionId: 's', content: 'half \ud800 pair' },
      /content.*surrogate/,
    ],
    ['createFlow', { name: '' }, /name/],
    ['createFlow', { name: 'x', responder: { kind: 'shell', command: 'rm -rf /' } }, /responder/],
    [
      'updateFlow',
      {
        flowId: 'default',
        responder: { kind: 'openai-compatible', baseUrl: 'file:///etc/passwd', model: 'm' },
      },
      /baseUrl/,
    ],
    ['deleteFlow', { flowId: 'x' }, /confirm/],
    ['testFlow', { flowId: '' }, /flowId/],
    ['listSessions', { limit: 100_000 }, /limit/],
    ['listSessions', { sort: 'sideways' }, /sort/],
    ['listTrash', { limit: 0 }, /limit/],
    ['restoreTrash', { ids: [] }, /ids/],
    ['restoreTrash', { ids: ['1'] }, /ids/],
    ['restoreTrashMatching', { batch: 0 }, /batch/],
    ['restoreTrashMatching', { flowId: '../x' }, /flowId/],
    ['restoreTrashMatching', { limit: 10_001 }, /limit/],
    ['listTrash', { flowId: 'a b' }, /flowId/],
    ['purgeTrash', { ids: '1;DROP TABLE messages' }, /ids/],
    ['search', {}, /q/],
    ['updateSettings', { corsOrigins: ['not a url'] }, /corsOrigins/],
  ];

  it.each(invalid)(
    '%s refuses %j with a 400 naming the field, without running the handler',
    async (name, raw, field) => {
      const result = (await ipc.call(ipcChannel(name), TRUSTED, raw)) as {
        ok: boolean;
        status: number;
        message: string;
      };
      expect(result).toMatchObject({ ok: false, status: 400 });
      expect(result.message).toMatch(field);
      expect(called).toEqual([]);
    },
  );

  it('still runs a valid call from the trusted page (the refusals above are not blanket)', async () => {
    const result = await ipc.call(ipcChannel('getSession'), TRUSTED, {
      flowId: 'default',
      sessionId: '../../etc/passwd',
    });
    expect(result).toEqual({ ok: true, value: {} });
    expect(called).toEqual(['getSession']);
  });
});
