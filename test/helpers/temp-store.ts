import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openStore, type SqliteStore } from '../../src/main/store';
import { tempDir } from './tmp';

export interface TempStore {
  /** The open store; a test may close it and put a reopened one here. */
  store: SqliteStore;
  /** Its data dir (the database is `mnemo.db` in it). */
  dir: string;
}

/** A real store over a fresh temp data dir for each test of the file; closed and removed after each. */
export function tempStoreForEachTest(): TempStore {
  const temp = {} as TempStore;
  let cleanup = () => {};
  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    temp.dir = path.join(tmp.dir, 'data');
    temp.store = await openStore({ dataDir: temp.dir });
  });
  afterEach(async () => {
    await temp.store.close();
    cleanup();
  });
  return temp;
}

/**
 * One real store for all tests of the file, filled once by `fill` (seeding is the slow
 * part); closed and removed after the last test.
 */
export function tempStoreForFile(fill: (store: SqliteStore) => Promise<void>, timeoutMs?: number): TempStore {
  const temp = {} as TempStore;
  let cleanup = () => {};
  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    temp.dir = path.join(tmp.dir, 'data');
    temp.store = await openStore({ dataDir: temp.dir });
    await fill(temp.store);
  }, timeoutMs);
  afterAll(async () => {
    await temp.store.close();
    cleanup();
  });
  return temp;
}

/**
 * Data dir paths for a file's tests: each call gives a new one (`data` in a fresh temp
 * dir, made when `create` says so); all are removed after each test.
 */
export function dataDirsRemovedAfterEach(options: { create?: boolean } = {}): () => string {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()?.();
  });
  return () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const dir = path.join(tmp.dir, 'data');
    if (options.create) fs.mkdirSync(dir);
    return dir;
  };
}
