/**
 * The reads of the Flowise, Sim and search routes go through indexes (SQLite's own
 * plans, as the benchmark prints them at scale), over a store with some data in it.
 */
import { describe, expect, it } from 'vitest';
import { seedStore } from '../helpers/seed';
import { tempStoreForFile } from '../helpers/temp-store';

const temp = tempStoreForFile(async (store) => {
  await seedStore(store, { sessions: 2_000, messages: 10_000, flows: 3, end: Date.UTC(2026, 0, 1) });
});

describe('query plans', () => {
  it('reads one session by its key, its messages in time order, and searches through FTS5', async () => {
    const plans = await temp.store.debugQueryPlans();
    const text = (name: string) => (plans[name] ?? []).join('\n');
    expect(text('Flowise chat messages of one session')).toMatch(
      /SEARCH c USING INDEX conversations_live_key \(flow_id=\? AND session_id=\?\)\nSEARCH m USING (?:COVERING )?INDEX messages_conversation_time \(conversation_id=\?\)/,
    );
    expect(text('Flowise chat messages of one session')).not.toMatch(/TEMP B-TREE/);
    // By conversation id alone (every block): an index, not a scan of every conversation.
    expect(text('Sim get by conversationId')).toMatch(
      /SEARCH c USING INDEX conversations_live_session \(session_id=\?\)/,
    );
    expect(text('Sim get by conversationId and blockId')).toMatch(
      /SEARCH c USING INDEX conversations_live_key/,
    );
    expect(text('full-text search')).toMatch(/^SCAN messages_fts VIRTUAL TABLE INDEX \d+:M/);
    expect(text('full-text search')).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
    expect(text('full-text search')).not.toMatch(/TEMP B-TREE/);
    // The walk's batch against the set: each conversation's seqs from its time index,
    // grouped in that index's order.
    const walk = text('session list search walk, a batch against the set of matches');
    expect(walk).toMatch(
      /^SEARCH messages USING COVERING INDEX messages_conversation_time \(conversation_id=\?\)/,
    );
    expect(walk).toMatch(/SCAN messages_fts VIRTUAL TABLE INDEX \d+:M/);
    expect(walk).not.toMatch(/TEMP B-TREE/);
  });
});
