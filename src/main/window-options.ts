/**
 * The window's security settings (SPEC 7), kept apart from Electron's runtime so they
 * can be checked in a unit test: the BrowserWindow options, who may call IPC, and the
 * navigation guards. Only types come from 'electron' here.
 */
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, HandlerDetails, WindowOpenHandlerResponse } from 'electron';

/** `icon`: the window's icon file (the taskbar and window list show it on Linux and Windows; macOS takes the app bundle's). */
export function mainWindowOptions(preload: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    ...(icon ? { icon } : {}),
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Mnemo',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/**
 * Only Mnemo's own page may call IPC or be navigated to: the built index.html, or in
 * development the dev server's origin (compared as an origin: a prefix test would let
 * http://localhost:5173.evil.example through).
 */
export function trustedPage(
  rendererIndex: string,
  devServerUrl?: string,
): (url: string | undefined) => boolean {
  const indexUrl = pathToFileURL(rendererIndex).href;
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;
  return (url) => {
    if (!url) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin && parsed.origin === devOrigin) return true;
    return parsed.protocol === 'file:' && `file://${parsed.host}${parsed.pathname}` === indexUrl;
  };
}

/**
 * Links worth handing to the system: http(s) pages and mailto: addresses (a message's links
 * open there). Never file:, javascript:, data: or other schemes.
 */
export const isExternalLink = (url: string): boolean => /^(?:https?:\/\/|mailto:)/i.test(url);

/** The part of WebContents the guards use (a fake in unit tests). */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
}

/**
 * No new windows and no navigation away from Mnemo's page; an http(s) or mailto: link opens
 * in the system browser (or mail program) instead.
 */
export function guardNavigation(
  contents: GuardedContents,
  isTrusted: (url: string) => boolean,
  openExternal: (url: string) => void,
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isTrusted(url)) return;
    event.preventDefault();
    if (isExternalLink(url)) openExternal(url);
  });
}
