/**
 * Provider keys of openai-compatible flows. In the desktop app they are encrypted with
 * Electron's safeStorage (the OS keychain) and the ciphertext kept in the settings
 * table; they are never returned by any read. Headless, there is no keychain: a flow
 * names an environment variable (`apiKeyEnv`) instead, and storing a key is refused.
 */
import type { Store } from '../store';

export interface SecretStore {
  /** Whether keys can be stored here (Electron with a working safeStorage). */
  readonly available: boolean;
  get(flowId: string): Promise<string | undefined>;
  /** Stores a key, or removes it (null). Throws where not available. */
  set(flowId: string, key: string | null): Promise<void>;
  has(flowId: string): Promise<boolean>;
}

export class SecretsUnavailableError extends Error {
  constructor() {
    super(
      'this Mnemo has no secure key storage (headless); set the flow\'s "apiKeyEnv" to the name of an environment variable that holds the key',
    );
  }
}

const settingKey = (flowId: string) => `secret:flow:${flowId}`;

/** Headless: nothing is stored; keys come from environment variables. */
export const noSecretStorage: SecretStore = {
  available: false,
  get: async () => undefined,
  set: async () => {
    throw new SecretsUnavailableError();
  },
  has: async () => false,
};

/** The part of Electron's safeStorage this needs. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export function safeStorageSecrets(store: Store, safeStorage: SafeStorageLike): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) return noSecretStorage;
  return {
    available: true,
    async get(flowId) {
      const stored = await store.getSetting(settingKey(flowId));
      return stored ? safeStorage.decryptString(Buffer.from(stored, 'base64')) : undefined;
    },
    async set(flowId, key) {
      if (key === null) await store.deleteSetting(settingKey(flowId));
      else await store.setSetting(settingKey(flowId), safeStorage.encryptString(key).toString('base64'));
    },
    async has(flowId) {
      return (await store.getSetting(settingKey(flowId))) !== undefined;
    },
  };
}
