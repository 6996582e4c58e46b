import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/main/store';
import { tempDir } from './tmp';

export interface TempStore {
  /** The open store; a test may close it and put a reopened one here. */
  store: Store;
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
