/**
 * The session list at scale: 100,000 seeded conversations, 1,000,000 messages. Checks that every kind of
 * list query reads conversations through an index in sort order (no temp B-tree for
 * ORDER BY), and prints how long each first page takes (not asserted: a figure).
 */
import { describe, expect, it } from 'vitest';
import type { SessionFilter, SessionListOptions } from '../../src/main/store';
import { SEED_WORDS, seedStore } from '../helpers/seed';
import { tempStoreForFile } from '../helpers/temp-store';

const SESSIONS = 100_000;
// The benchmark's size: seeding takes about 19 s on an idle 2-core machine.
const MESSAGES = 1_000_000;
const END = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const WEEK = { startDate: END - 7 * DAY, endDate: END };

const temp = tempStoreForFile(async (store) => {
  const seeded = await seedStore(store, {
    seed: 42,
    sessions: SESSIONS,
    messages: MESSAGES,
    flows: 3,
    days: 365,
    end: END,
  });
  console.log(
    `seeded ${seeded.conversations} conversations, ${seeded.messages} messages in ${Math.round(seeded.ms)} ms`,
  );
}, 180_000);

const cases: Array<[string, SessionFilter, Partial<SessionListOptions>]> = [
  ['no filter, newest activity first', {}, {}],
  ['no filter, oldest activity first', {}, { sort: 'ASC' }],
  ['no filter, by creation, newest first', {}, { by: 'created' }],
  ['no filter, by creation, oldest first', {}, { by: 'created', sort: 'ASC' }],
  ['last 7 days', WEEK, {}],
  ['last 7 days, oldest first', WEEK, { sort: 'ASC' }],
  ['last 7 days, by creation, oldest first', WEEK, { by: 'created', sort: 'ASC' }],
  ['a week a year ago, newest first', { startDate: END - 300 * DAY, endDate: END - 293 * DAY }, {}],
  ['since a date', { startDate: WEEK.startDate }, { by: 'created' }],
  ['until a date', { endDate: END - 300 * DAY }, {}],
  ['one flow', { flowId: 'seed-2' }, {}],
  ['one flow, last 7 days, by creation', { flowId: 'seed-2', ...WEEK }, { by: 'created' }],
  ['search, a common word', { q: SEED_WORDS[0] }, {}],
  ['search, a mid word', { q: SEED_WORDS[300] }, {}],
  ['search, a rare word', { q: SEED_WORDS[4_900] }, { sort: 'ASC' }],
  ['search, last 7 days', { q: SEED_WORDS[300], ...WEEK }, {}],
  ['search in one flow, by creation', { q: SEED_WORDS[300], flowId: 'seed-1' }, { by: 'created' }],
];

describe(`the session list over ${SESSIONS.toLocaleString('en')} conversations`, () => {
  for (const [name, filter, given] of cases) {
    const options: SessionListOptions = { sort: 'DESC', by: 'updated', limit: 50, ...given };
    it(`${name}: reads an index in sort order`, async () => {
      const plan = await temp.store.debugExplain('listSessions', filter, options);
      if (plan.includes('MATERIALIZE hits')) {
        // A search word in fewer messages than MATCHES_FIRST_LIMIT: its matches are read
        // first and sorted (search-list.ts); a common word walks the list index instead.
        expect(name).toMatch(/^search/);
        expect(name).not.toMatch(/common/);
        expect(plan.join('\n')).not.toMatch(/^SCAN c\b/m);
      } else {
        expect(plan.join('\n')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        expect(plan[0]).toMatch(/^(SCAN|SEARCH) c USING (COVERING )?INDEX conversations_(live|flow)_/);
        expect(plan[0]).toContain(`_${options.by}_`);
      }

      const started = performance.now();
      const page = await temp.store.listSessions(filter, options);
      const first = performance.now() - started;
      const next = page.next
        ? await temp.store.listSessions(filter, { ...options, after: page.next })
        : undefined;
      console.log(
        `first page (${page.items.length} of ${page.total}): ${first.toFixed(1)} ms — ${name} (${options.by} ${options.sort})`,
      );

      // The page is what a full sort would give, and the next one carries on from it.
      const key = (s: { updatedAt: number; createdAt: number }) =>
        options.by === 'updated' ? s.updatedAt : s.createdAt;
      const keys = page.items.map(key);
      const sorted = [...keys].sort((a, b) => (options.sort === 'ASC' ? a - b : b - a));
      expect(keys).toEqual(sorted);
      expect(page.items.length).toBe(page.totalExact ? Math.min(50, page.total) : 50);
      if (next && next.items.length > 0) {
        const last = keys[keys.length - 1] as number;
        const nextFirst = key(next.items[0] as { updatedAt: number; createdAt: number });
        expect(options.sort === 'ASC' ? nextFirst >= last : nextFirst <= last).toBe(true);
      }
    });
  }

  it('counts a date range from the index it narrows most', async () => {
    const plan = await temp.store.debugExplain('countSessions', WEEK);
    expect(plan[0]).toMatch(
      /^SEARCH c USING (COVERING )?INDEX conversations_live_updated_span \(updated_at>\?\)/,
    );
  });
});
