import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, type Store } from '../../src/main/store';
import { eventually } from '../helpers/eventually';
import { tempStoreForEachTest } from '../helpers/temp-store';

const temp = tempStoreForEachTest();

/** Segments of each full-text index, read through a connection of its own. */
function segments(dataDir: string): { messages: number; titles: number } {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const count = (index: string) =>
      db.prepare(`SELECT count(DISTINCT segid) FROM ${index}_idx`).pluck().get() as number;
    return { messages: count('messages_fts'), titles: count('titles_fts') };
  } finally {
    db.close();
  }
}

/** Appends one at a time, so each is a write batch (and a new index segment) of its own. */
async function burst(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.appendMessages('default', `session-${i % 40}`, [
      {
        role: 'user',
        content: `note ${i} about ${i % 3 === 0 ? 'harbour' : 'meadow'} lights`,
        chatType: 'EXTERNAL',
      },
    ]);
  }
}

/** What a person sees for a search: the list's first page and the message hits. */
async function searchResults(store: Store) {
  const list = await store.listSessions({ q: 'harbour' }, { sort: 'DESC', by: 'updated', limit: 50 });
  const hits = await store.searchMessages('meadow lights', { limit: 100 });
  return {
    sessions: list.items.map((s) => s.sessionId),
    total: list.total,
    hits: hits.map((h) => [h.sessionId, h.snippet]),
  };
}

describe('full-text index upkeep', () => {
  it('merges the segments a burst of appends left once writes stop, and searches find the same', async () => {
    await burst(temp.store, 120);
    // Right after the burst nothing is merged yet: FTS5 alone leaves dozens of segments.
    const before = segments(temp.dir);
    expect(before.messages).toBeGreaterThan(10);
    expect(before.titles).toBeGreaterThan(4);
    const found = await searchResults(temp.store);
    // Every 3rd message says harbour, and 3 and 40 share no factor: every session has one.
    expect(found.sessions).toHaveLength(40);
    expect(found.hits).toHaveLength(80);

    expect(
      await eventually(() => {
        const now = segments(temp.dir);
        return now.messages <= 4 && now.titles <= 4;
      }, 5000),
    ).toBe(true);
    expect(await searchResults(temp.store)).toEqual(found);
  });

  it('keeps merging off while writes keep coming', async () => {
    await burst(temp.store, 60);
    // Writes every 200 ms for 1.6 s: never a quiet second.
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await burst(temp.store, 1);
    }
    // FTS5's own merging (16 segments at a time) leaves more than the upkeep's four.
    expect(segments(temp.dir).messages).toBeGreaterThan(4);
  });

  it('merges on demand what idle time would', async () => {
    await burst(temp.store, 120);
    expect(segments(temp.dir).messages).toBeGreaterThan(10);
    await temp.store.tidySearchIndex();
    const after = segments(temp.dir);
    expect(after.messages).toBeLessThanOrEqual(4);
    expect(after.titles).toBeLessThanOrEqual(4);
  });
});
