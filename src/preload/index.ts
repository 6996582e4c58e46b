/**
 * The bridge: one typed `window.mnemo` object with a method per operation of the
 * contract. The page never sees ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { desktopOperationNames, ipcChannel, type MnemoBridge, operationNames } from '../shared/contract';
import { EVENT_CHANNEL, type MnemoEvent } from '../shared/schemas/events';

const operationsBridge = Object.fromEntries(
  [...operationNames, ...desktopOperationNames].map((name) => [
    name,
    (input: unknown) => ipcRenderer.invoke(ipcChannel(name), input ?? {}),
  ]),
) as Omit<MnemoBridge, 'onEvent'>;

const bridge: MnemoBridge = {
  ...operationsBridge,
  onEvent(listener) {
    const forward = (_: Electron.IpcRendererEvent, event: MnemoEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
};

contextBridge.exposeInMainWorld('mnemo', bridge);
