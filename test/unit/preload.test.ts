import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  desktopOperationNames,
  ipcChannel,
  type MnemoBridge,
  operationNames,
} from '../../src/shared/contract';
import { EVENT_CHANNEL } from '../../src/shared/schemas/events';

// The Electron module is the one fake: it records what the preload exposes and sends.
const electron = vi.hoisted(() => {
  const exposed: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipcRenderer = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })),
    send: vi.fn(),
    on: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
    }),
    removeListener: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
      listeners.get(channel)?.delete(listener);
    }),
  };
  const contextBridge = { exposeInMainWorld: vi.fn((key: string, api: unknown) => exposed.push([key, api])) };
  return { exposed, listeners, ipcRenderer, contextBridge };
});
vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

let bridge: MnemoBridge;
beforeAll(async () => {
  await import('../../src/preload/index');
  bridge = electron.exposed[0]?.[1] as MnemoBridge;
});

describe('the preload bridge (SPEC 7)', () => {
  it('exposes exactly one object, window.mnemo', () => {
    expect(electron.exposed.map(([key]) => key)).toEqual(['mnemo']);
  });

  it('holds one function per operation (and desktop operation) plus onEvent, and never ipcRenderer or its methods', () => {
    expect(Object.keys(bridge).sort()).toEqual(
      [...operationNames, ...desktopOperationNames, 'onEvent'].sort(),
    );
    const renderer = new Set<unknown>([electron.ipcRenderer, ...Object.values(electron.ipcRenderer)]);
    for (const value of Object.values(bridge)) {
      expect(typeof value).toBe('function');
      expect(renderer.has(value)).toBe(false);
    }
  });

  it('sends each call on its own channel only, with the input as given', async () => {
    electron.ipcRenderer.invoke.mockClear();
    await bridge.search({ q: 'x' });
    await bridge.health({});
    expect(electron.ipcRenderer.invoke.mock.calls).toEqual([
      [ipcChannel('search'), { q: 'x' }],
      [ipcChannel('health'), {}],
    ]);
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
  });

  it('hands the page the event alone, never the IPC event (whose sender is ipcRenderer)', () => {
    const received: unknown[][] = [];
    const unsubscribe = bridge.onEvent((...args: unknown[]) => received.push(args));
    const payload = { type: 'trash.changed' };
    for (const listener of electron.listeners.get(EVENT_CHANNEL) ?? []) {
      listener({ sender: electron.ipcRenderer }, payload);
    }
    expect(received).toEqual([[payload]]);
    unsubscribe();
    expect(electron.listeners.get(EVENT_CHANNEL)?.size).toBe(0);
  });
});
