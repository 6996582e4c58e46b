import type { Handlers } from '../../shared/contract';
import { HttpError } from '../http/errors';
import type { Store } from '../store';

export interface ApiKeyHolder {
  current(): string;
  fromEnv: boolean;
  /** Replaces the key and keeps it in the data dir. */
  regenerate(): string;
}

export interface SystemInfo {
  version: string;
  apiUrl: () => string;
  dataDir: string;
  apiKey: ApiKeyHolder;
}

type SystemHandlers = Pick<Handlers, 'health' | 'serverInfo' | 'getApiKey' | 'regenerateApiKey'>;

/** Health, where things are, and the API key. */
export function systemHandlers(store: Store, info: SystemInfo): SystemHandlers {
  return {
    health: async () => ({ status: 'ok', version: info.version, schemaVersion: await store.schemaVersion() }),
    serverInfo: async () => {
      const integrity = store.integrity();
      return {
        apiUrl: info.apiUrl(),
        dataDir: info.dataDir,
        integrity: {
          state: integrity.state,
          checkedAt: integrity.checkedAt === null ? null : new Date(integrity.checkedAt).toISOString(),
          message: integrity.message,
        },
        store: { kind: store.backend.kind, location: store.backend.location },
      };
    },
    getApiKey: async () => ({ apiKey: info.apiKey.current(), fromEnv: info.apiKey.fromEnv }),
    regenerateApiKey: async () => {
      if (info.apiKey.fromEnv) {
        throw new HttpError(409, 'the API key comes from MNEMO_API_KEY; change that variable instead');
      }
      return { apiKey: info.apiKey.regenerate(), fromEnv: false };
    },
  };
}
