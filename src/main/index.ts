/** Electron entry: the store, the HTTP API on 127.0.0.1 and the window. */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, shell } from 'electron';
// electron-vite copies the file next to the built main process and gives its path.
import icon from '../../resources/icon.png?asset';
import { EVENT_CHANNEL } from '../shared/schemas/events';
import { ConfigError, readServeConfig } from './config';
import { type Mnemo, startMnemo } from './core';
import { registerDesktopIpc, registerIpc } from './ipc';
import { desktopTransferHandlers } from './memory/desktop-transfer';
import { safeStorageSecrets } from './memory/secrets';
import type { Store } from './store';
import { guardNavigation, mainWindowOptions, trustedPage } from './window-options';

const rendererDir = path.join(__dirname, '../renderer');
const rendererIndex = path.join(rendererDir, 'index.html');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

/** Only Mnemo's own page may call IPC: the built index.html, or the dev server in development. */
export const isTrustedSender = trustedPage(rendererIndex, devServerUrl);

const openExternal = (url: string) => void shell.openExternal(url);

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(path.join(__dirname, '../preload/index.js'), icon));
  win.once('ready-to-show', () => win.show());
  guardNavigation(win.webContents, isTrustedSender, openExternal);
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
  registerDesktopIpc(
    ipcMain,
    desktopTransferHandlers(mnemo.transfer, async (name, format) => {
      const options = {
        defaultPath: path.join(app.getPath('downloads'), name),
        filters: [
          format === 'json'
            ? { name: 'Mnemo JSON', extensions: ['json'] }
            : { name: 'Markdown', extensions: ['md'] },
        ],
      };
      const win = BrowserWindow.getFocusedWindow();
      const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return choice.canceled ? undefined : choice.filePath;
    }),
    isTrustedSender,
  );
  // Every window hears what the SSE stream tells web pages.
  mnemo.events.subscribe((event) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.webContents.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
    }
  });
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
  // start's failures too (a MNEMO_DATABASE_URL it cannot use): one line and a dialog, then exit, never a window-less process.
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`Mnemo could not start: ${message}`);
      dialog.showErrorBox('Mnemo could not start', message);
      app.exit(error instanceof ConfigError ? 2 : 1);
    });
}
