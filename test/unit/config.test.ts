import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError, ensureDataDir, loadApiKey, readServeConfig } from '../../src/main/config';
import { ForeignDatabaseError } from '../../src/main/store';
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

describe('ensureDataDir', () => {
  const mode = (p: string) => fs.statSync(p).mode & 0o777;
  function existing(dirMode: number, files: string[]): { dir: string; cleanup: () => void } {
    const tmp = tempDir();
    const dir = path.join(tmp.dir, 'data');
    fs.mkdirSync(dir);
    for (const name of files) fs.writeFileSync(path.join(dir, name), 'x');
    fs.chmodSync(dir, dirMode);
    return { dir, cleanup: tmp.cleanup };
  }

  it('creates a missing dir (and its parents) 0700', () => {
    const tmp = tempDir();
    try {
      const dir = path.join(tmp.dir, 'a', 'b');
      ensureDataDir(dir);
      expect(mode(dir)).toBe(0o700);
    } finally {
      tmp.cleanup();
    }
  });

  it("tightens an empty dir, or one holding only Mnemo's own files, to 0700", () => {
    const own = [
      'mnemo.db',
      'mnemo.db-wal',
      'mnemo.db-shm',
      'mnemo.db.v2.bak',
      'api-key',
      'api-key.123.tmp',
      'import-4242-0f8e2c1a-3b7d-4c9e-9a51-6d2f8b7e1c03.upload',
    ];
    for (const files of [[], own]) {
      const { dir, cleanup } = existing(0o755, files);
      try {
        fs.writeFileSync(path.join(dir, 'mnemo.db'), '');
        ensureDataDir(dir);
        expect(mode(dir)).toBe(0o700);
      } finally {
        cleanup();
      }
    }
  });

  it('uses a dir holding other files as it is, never changing its mode', () => {
    for (const dirMode of [0o755, 0o750, 0o775]) {
      const { dir, cleanup } = existing(dirMode, ['README.md', 'mnemo.db']);
      try {
        fs.writeFileSync(path.join(dir, 'mnemo.db'), '');
        ensureDataDir(dir);
        expect(mode(dir)).toBe(dirMode);
        expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'mnemo.db']);
      } finally {
        cleanup();
      }
    }
  });

  it('refuses a dir that holds other files and that every user may write to, unchanged', () => {
    const { dir, cleanup } = existing(0o777, ['notes.txt']);
    try {
      expect(() => ensureDataDir(dir)).toThrow(ConfigError);
      expect(() => ensureDataDir(dir)).toThrow(`the data dir ${dir} is writable by every user`);
      expect(mode(dir)).toBe(0o777);
    } finally {
      cleanup();
    }
  });

  it("refuses a dir holding another application's mnemo.db before changing the dir", () => {
    const { dir, cleanup } = existing(0o755, []);
    try {
      const db = new Database(path.join(dir, 'mnemo.db'));
      db.exec('CREATE TABLE messages (text TEXT)');
      db.close();
      expect(() => ensureDataDir(dir)).toThrow(ForeignDatabaseError);
      expect(mode(dir)).toBe(0o755);
      expect(fs.readdirSync(dir)).toEqual(['mnemo.db']);
    } finally {
      cleanup();
    }
  });
});
