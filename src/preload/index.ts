/**
 * The bridge: one typed `window.mnemo` object with a method per operation of the
 * contract. The page never sees ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, type MnemoBridge, operationNames } from '../shared/contract';

const bridge = Object.fromEntries(
  operationNames.map((name) => [name, (input: unknown) => ipcRenderer.invoke(ipcChannel(name), input ?? {})]),
) as MnemoBridge;

contextBridge.exposeInMainWorld('mnemo', bridge);
