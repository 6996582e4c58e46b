import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadApiKey, readServeConfig } from '../../src/main/config';
import { tempDir } from '../helpers/tmp';

describe('readServeConfig', () => {
  it('defaults: port 7788, host 127.0.0.1, data in XDG_DATA_HOME/mnemo', () => {
    const config = readServeConfig([], { XDG_DATA_HOME: '/xdg' });
    expect(config).toEqual({ port: 7788, host: '127.0.0.1', dataDir: '/xdg/mnemo', corsOrigins: [] });
  });

  it('takes the environment, and flags win over it', () => {
    const env = { MNEMO_PORT: '9000', MNEMO_HOST: '::1', MNEMO_DATA_DIR: '/env', MNEMO_CORS_ORIGINS: 'a, b' };
    expect(readServeConfig([], env)).toMatchObject({
      port: 9000,
      host: '::1',
      dataDir: '/env',
      corsOrigins: ['a', 'b'],
    });
    expect(readServeConfig(['--port', '0', '--host', '127.0.0.2', '--data-dir', '/flag'], env)).toMatchObject(
      {
        port: 0,
        host: '127.0.0.2',
        dataDir: '/flag',
      },
    );
  });

  it('rejects a bad port or an unknown flag with a message naming it', () => {
    expect(() => readServeConfig(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => readServeConfig(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => readServeConfig([], { MNEMO_PORT: '-1' })).toThrow(/MNEMO_PORT/);
    expect(() => readServeConfig(['--bogus'], {})).toThrow(/bogus/);
  });
});

describe('loadApiKey', () => {
  it('generates a url-safe key of 32+ bytes, kept 0600, and reuses it', () => {
    const tmp = tempDir();
    try {
      const first = loadApiKey(tmp.dir, {});
      expect(first.fromEnv).toBe(false);
      expect(first.key).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(fs.statSync(path.join(tmp.dir, 'api-key')).mode & 0o777).toBe(0o600);
      expect(loadApiKey(tmp.dir, {}).key).toBe(first.key);
    } finally {
      tmp.cleanup();
    }
  });

  it('prefers MNEMO_API_KEY and writes nothing', () => {
    const tmp = tempDir();
    try {
      expect(loadApiKey(tmp.dir, { MNEMO_API_KEY: 'from-env' })).toEqual({ key: 'from-env', fromEnv: true });
      expect(fs.existsSync(path.join(tmp.dir, 'api-key'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });
});
