import type { MnemoApi } from '../../../shared/contract';
import { ipcEvents, type MnemoEvents, noEvents, sseEvents } from './events';
import { httpTransfer, ipcTransfer, type TransferClient } from './transfer';
import { httpTransport, ipcTransport } from './transports';

const KEY_STORAGE = 'mnemo.apiKey';
/** The longest the key waits in the address for an idle moment. */
const KEY_STORE_WAIT_MS = 2_000;

/**
 * The web page gets its key in the URL fragment (`#key=...`), which never reaches a
 * server log. It is kept for this tab (sessionStorage) and removed from the address bar.
 */
export function readWebApiKey(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (fromHash) {
    // Once the page is idle, not while it loads: the tab's first sessionStorage access and
    // replaceState wait on the browser process, 10 to 40 ms on a busy machine. Until then the
    // key is still in the address, so a reload keeps it; leaving the page stores it at once.
    let stored = false;
    const store = () => {
      if (stored) return;
      stored = true;
      sessionStorage.setItem(KEY_STORAGE, fromHash);
      if (window.location.hash) {
        history.replaceState(history.state, '', window.location.pathname + window.location.search);
      }
    };
    requestIdleCallback(store, { timeout: KEY_STORE_WAIT_MS });
    window.addEventListener('pagehide', store, { once: true });
    return fromHash;
  }
  return sessionStorage.getItem(KEY_STORAGE);
}

export type Transport = 'ipc' | 'http';

export interface ApiClient {
  api: MnemoApi;
  /** Export to a file and import from one (SPEC 4.3 in the window). */
  transfer: TransferClient;
  events: MnemoEvents;
  transport: Transport;
  missingKey: boolean;
  /** After the key was regenerated: the web page's own calls must use the new one. */
  adoptKey(key: string): void;
}

export function createApiClient(): ApiClient {
  if (window.mnemo) {
    return {
      api: ipcTransport(window.mnemo),
      transfer: ipcTransfer(window.mnemo),
      events: ipcEvents(window.mnemo),
      transport: 'ipc',
      missingKey: false,
      adoptKey: () => {},
    };
  }
  let key = readWebApiKey() ?? '';
  const currentKey = () => key;
  const origin = window.location.origin;
  return {
    api: httpTransport(origin, currentKey),
    transfer: httpTransfer(origin, currentKey),
    events: key ? sseEvents(origin, currentKey) : noEvents(),
    transport: 'http',
    missingKey: !key,
    adoptKey: (next) => {
      key = next;
      sessionStorage.setItem(KEY_STORAGE, next);
    },
  };
}
