import type { MnemoApi } from '../../../shared/contract';
import { httpTransport, ipcTransport } from './transports';

const KEY_STORAGE = 'mnemo.apiKey';

/**
 * The web page gets its key in the URL fragment (`#key=...`), which never reaches a
 * server log. It is kept for this tab (sessionStorage) and removed from the address bar.
 */
export function readWebApiKey(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (fromHash) {
    sessionStorage.setItem(KEY_STORAGE, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem(KEY_STORAGE);
}

export type Transport = 'ipc' | 'http';

export function createApiClient(): { api: MnemoApi; transport: Transport; missingKey: boolean } {
  if (window.mnemo) return { api: ipcTransport(window.mnemo), transport: 'ipc', missingKey: false };
  const key = readWebApiKey();
  return { api: httpTransport(window.location.origin, key ?? ''), transport: 'http', missingKey: !key };
}
