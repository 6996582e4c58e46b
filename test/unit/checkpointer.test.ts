import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/main/store';
import { eventually } from '../helpers/eventually';
import { messagesInMainFile } from '../helpers/main-file';
import { tempStoreForEachTest } from '../helpers/temp-store';

const temp = tempStoreForEachTest();

describe('WAL checkpoints off the main thread', () => {
  it('copy a few appended messages into the database file soon after, with no further write', async () => {
    // A few pages: SQLite's automatic checkpoint (at 1,000 WAL pages) would leave them in the WAL.
    await temp.store.appendMessages('default', 'a', [
      { role: 'user', content: 'first', chatType: 'EXTERNAL' },
      { role: 'assistant', content: 'second', chatType: 'EXTERNAL' },
    ]);
    expect(await eventually(() => messagesInMainFile(temp.dir) === 2, 3000)).toBe(true);
    await temp.store.appendMessages('default', 'a', [
      { role: 'user', content: 'third', chatType: 'EXTERNAL' },
    ]);
    expect(await eventually(() => messagesInMainFile(temp.dir) === 3, 3000)).toBe(true);
  });

  it('stop with the store: closing leaves everything in the database file and no WAL', async () => {
    const appends = Array.from({ length: 200 }, (_, i) =>
      temp.store.appendMessages('default', `s${i % 7}`, [
        { role: 'user', content: `message ${i} ${'x'.repeat(2000)}`, chatType: 'EXTERNAL' },
      ]),
    );
    await Promise.all(appends);
    await temp.store.close();
    const wal = path.join(temp.dir, `${DATABASE_FILE}-wal`);
    expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
    expect(messagesInMainFile(temp.dir)).toBe(200);
  });
});
