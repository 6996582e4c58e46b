/** Electron entry: the store, the HTTP API on 127.0.0.1 and the window. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, safeStorage, shell } from 'electron';
import { readServeConfig } from './config';
import { type Mnemo, startMnemo } from './core';
import { registerIpc } from './ipc';
import { safeStorageSecrets } from './memory/secrets';
import type { Store } from './store';

const rendererDir = path.join(__dirname, '../renderer');
const rendererIndex = path.join(rendererDir, 'index.html');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

/** Only Mnemo's own page may call IPC: the built index.html, or the dev server in development. */
export function isTrustedSender(url: string | undefined): boolean {
  if (!url) return false;
  if (devServerUrl && url.startsWith(devServerUrl)) return true;
  return url.split('#')[0]?.split('?')[0] === pathToFileURL(rendererIndex).href;
}

function openExternal(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Mnemo',
    autoHideMenuBar: true,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // No new windows and no navigation away from Mnemo: links open in the system browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (isTrustedSender(url)) return;
    event.preventDefault();
    openExternal(url);
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(rendererIndex);
  return win;
}

let mnemo: Mnemo | undefined;

async function start(): Promise<void> {
  const config = readServeConfig([], process.env, app.getPath('userData'));
  const options = { secrets: (store: Store) => safeStorageSecrets(store, safeStorage) };
  try {
    mnemo = await startMnemo(config, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.warn(`Mnemo: port ${config.port} is taken; the API listens on a free port instead.`);
    mnemo = await startMnemo({ ...config, port: 0 }, options);
  }
  console.log(`Mnemo API listening on ${mnemo.address.url}`);
  registerIpc(ipcMain, mnemo.handlers, isTrustedSender);
  createWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && mnemo) createWindow();
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (!mnemo || closing) return;
    closing = true;
    event.preventDefault();
    void mnemo.close().finally(() => app.quit());
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error('Mnemo could not start:', error);
    app.exit(1);
  });
}
