/**
 * What the desktop app and the headless server share: the data dir, the key, the
 * store, the handlers and the HTTP server on top of them.
 */
import { version } from '../../package.json';
import {
  ensureDataDir,
  isLoopbackHost,
  loadApiKey,
  newApiKey,
  type ServerConfig,
  saveApiKey,
} from './config';
import { type ConnectionLimits, createHttpServer } from './http/server';
import { createHandlers, type ServiceContext } from './memory';
import { relayOtherProcessesChanges } from './memory/cross-process-events';
import { EventBus } from './memory/events';
import { retentionService } from './memory/retention';
import { noSecretStorage, type SecretStore } from './memory/secrets';
import { followSharedSettings, SettingsService } from './memory/settings';
import { transferService } from './memory/transfer';
import type { Store } from './store';
import { openConfiguredStore } from './store/open';

export { version };

export interface StartOptions {
  /** Where provider keys are kept: Electron's safeStorage on the desktop, none headless. */
  secrets?: (store: Store) => SecretStore;
  /** The built renderer to serve at `/` (out/renderer). */
  webRoot?: string;
  /** Shorter connection limits (tests). */
  limits?: Partial<ConnectionLimits>;
  env?: NodeJS.ProcessEnv;
}

export async function startMnemo(config: ServerConfig, options: StartOptions = {}) {
  const env = options.env ?? process.env;
  ensureDataDir(config.dataDir);
  const loaded = loadApiKey(config.dataDir, env);
  let key = loaded.key;
  const apiKey = {
    current: () => key,
    fromEnv: loaded.fromEnv,
    regenerate: () => {
      key = saveApiKey(config.dataDir, newApiKey());
      return key;
    },
  };
  // PostgreSQL when a URL is given (a memory server shared by several processes), else SQLite in the data dir.
  const store = await openConfiguredStore(config);
  let apiUrl = '';
  const events = new EventBus();
  const settings = await SettingsService.load(store, config.corsOrigins);
  const context: ServiceContext = {
    store,
    events,
    secrets: options.secrets?.(store) ?? noSecretStorage,
    info: { version, apiUrl: () => apiUrl, dataDir: config.dataDir, apiKey },
    settings,
  };
  const handlers = createHandlers(context);
  const http = await createHttpServer({
    handlers,
    context,
    apiKey: apiKey.current,
    corsOrigins: () => settings.allowedOrigins(),
    hostCheck: isLoopbackHost(config.host),
    webRoot: options.webRoot,
    limits: options.limits,
    version,
  });
  // Retention runs once before the API answers, then hourly.
  const retention = retentionService(store, events);
  await retention.start();
  let address: Awaited<ReturnType<typeof http.listen>>;
  try {
    address = await http.listen(config.host, config.port);
  } catch (error) {
    await retention.stop();
    await store.close();
    throw error;
  }
  apiUrl = address.url;
  // Writes another process makes on the same data dir reach this one's windows too.
  const otherProcesses = relayOtherProcessesChanges(store, events);
  // A shared store: settings one process changes apply on all.
  const sharedSettings = store.backend.kind === 'postgresql' ? followSharedSettings(settings) : undefined;
  return {
    store,
    events,
    handlers,
    /** Export and import, for the desktop window's own operations. */
    transfer: transferService(context),
    retention,
    address,
    /** The Node server under the API (tests observe every answer through it). */
    httpServer: http.app.server,
    /** The OpenAPI document the API serves (without `servers`, which depends on the request). */
    openapi: () => http.app.swagger() as unknown as Record<string, unknown>,
    apiKey: apiKey.current,
    webUrl: () => `${address.url}/#key=${encodeURIComponent(apiKey.current())}`,
    async close() {
      await otherProcesses.stop();
      await sharedSettings?.stop();
      await retention.stop();
      await http.close();
      await store.close();
    },
  };
}

export type Mnemo = Awaited<ReturnType<typeof startMnemo>>;
