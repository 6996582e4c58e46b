/**
 * A reproducible generator of conversations, for tests and the benchmark: the same
 * options (seed, counts, days, end) give the same flows, sessions, messages, times and
 * ids. It inserts through the store's bulk path, a few thousand conversations per
 * transaction.
 *
 *   await seedDataDir(dir, { sessions: 100_000, messages: 1_000_000, flows: 3, days: 365 });
 */
import { v7 as uuidv7 } from 'uuid';
import {
  type BulkConversation,
  type NewMessage,
  openStore,
  type SqliteStore,
  type Store,
} from '../../src/main/store';

export interface SeedOptions {
  /** PRNG seed: same seed, same data. */
  seed?: number;
  /** Flows `seed-1` … `seed-N` ("Seed flow N"); sessions are spread over them round-robin. */
  flows?: number;
  sessions: number;
  /** Messages in all (exact); each session gets at least one. Default 10 per session. */
  messages?: number;
  /** Sessions start within the `days` days before `end`. */
  days?: number;
  /** Epoch ms the data ends at (default now: pass one for data that does not move). */
  end?: number;
  /** Conversations per transaction. */
  batchSize?: number;
}

export interface SeedResult {
  flowIds: string[];
  conversations: number;
  messages: number;
  ms: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** mulberry32: a small, fast, seedable PRNG of unsigned 32-bit integers. */
export function prng32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const BASE_WORDS = (
  'the memory session flow answer question model prompt token stream search index message window ' +
  'conversation trash restore delete rename export import script client server local desktop ' +
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa ' +
  'quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basalt cobalt dune ember ' +
  'fjord glacier harbor island jungle kelp lagoon meadow nebula orchid prairie quartz reef savanna ' +
  'tundra umber volcano willow xylem yarrow zephyr anchor beacon compass drift eddy fathom gale ' +
  'helm inlet jetty keel lantern mast nautical oar pier quay rudder sail tide undertow vessel wake'
).split(' ');

/**
 * The vocabulary of message text, most frequent first: words are drawn by a Zipf-like
 * law (word k about as often as 1/k), so a search can pick a word as common or as rare
 * as it needs (SEED_WORDS[0] is in most messages, the last ones in a few).
 */
export const SEED_WORDS: readonly string[] = Array.from(
  { length: 5_000 },
  (_, i) =>
    `${BASE_WORDS[i % BASE_WORDS.length]}${i < BASE_WORDS.length ? '' : Math.floor(i / BASE_WORDS.length)}`,
);
/** Word k for 2^16 evenly spaced points of the law: one lookup per word drawn. */
const ZIPF_TABLE = Array.from(
  { length: 1 << 16 },
  (_, i) =>
    SEED_WORDS[Math.floor(Math.exp(((i + 0.5) / (1 << 16)) * Math.log(SEED_WORDS.length + 1))) - 1] as string,
);

export function seedFlowIds(flows: number): string[] {
  return Array.from({ length: flows }, (_, i) => `seed-${i + 1}`);
}

/** The conversations, one at a time (nothing is held in memory beyond one). */
export function* generateConversations(options: SeedOptions): Generator<BulkConversation> {
  const next32 = prng32(options.seed ?? 1);
  const random = () => next32() / 4294967296;
  const flowIds = seedFlowIds(options.flows ?? 3);
  const sessions = options.sessions;
  const total = options.messages ?? sessions * 10;
  if (total < sessions) throw new Error('messages must be at least sessions (each session has one)');
  const days = options.days ?? 365;
  const end = options.end ?? Date.now();
  const base = Math.floor(total / sessions);
  const extra = total % sessions;
  const idBytes = new Uint8Array(16);
  const idWords = new DataView(idBytes.buffer);
  const int = (n: number) => Math.floor(random() * n);
  const word = () => ZIPF_TABLE[next32() >>> 16] as string;

  // Conversations start in time order, as they would in use (ids and times rise together).
  const starts = Float64Array.from({ length: sessions }, () => end - int(days * DAY)).sort();
  // Counts vary in pairs (base + d, base - d) so the total stays exact.
  let pairDelta = 0;
  for (let i = 0; i < sessions; i++) {
    if (i % 2 === 0) pairDelta = i + 1 < sessions ? int(base) : 0;
    const count = (i % 2 === 0 ? base + pairDelta : base - pairDelta) + (i < extra ? 1 : 0);
    // Most conversations last minutes; one in twenty is picked up again days later.
    const gap = () => (random() < 0.05 ? int(5 * DAY) : 5_000 + int(10 * MINUTE));
    let time = starts[i] as number;
    const sessionId = `session-${i}`;
    const messages: NewMessage[] = [];
    for (let j = 0; j < count; j++) {
      if (j > 0) time = Math.min(end, time + gap());
      for (let b = 0; b < 16; b += 4) idWords.setUint32(b, next32());
      const words = Array.from({ length: 4 + int(36) }, word);
      messages.push({
        id: uuidv7({ msecs: time, random: idBytes }),
        role: j % 2 === 0 ? 'user' : 'assistant',
        content: `${words.join(' ')}.`,
        createdAt: time,
        chatType: 'EXTERNAL',
      });
    }
    yield { flowId: flowIds[i % flowIds.length] as string, sessionId, messages };
  }
}

/** Creates the seed flows and inserts the generated conversations in batches. */
export async function seedStore(
  store: Store & Partial<Pick<SqliteStore, 'optimizeSearchIndex'>>,
  options: SeedOptions,
): Promise<SeedResult> {
  const started = performance.now();
  const flowIds = seedFlowIds(options.flows ?? 3);
  for (const [i, id] of flowIds.entries()) {
    await store.createFlow({ id, name: `Seed flow ${i + 1}`, responder: { kind: 'echo' } });
  }
  const batchSize = options.batchSize ?? 10_000;
  let batch: BulkConversation[] = [];
  let conversations = 0;
  let messages = 0;
  const flush = async () => {
    const done = await store.bulkInsert(batch);
    conversations += done.conversations;
    messages += done.messages;
    batch = [];
  };
  for (const conversation of generateConversations(options)) {
    batch.push(conversation);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  // SQLite: one merged full-text index, as after an import of this size.
  await store.optimizeSearchIndex?.();
  return { flowIds, conversations, messages, ms: performance.now() - started };
}

/** Seeds the database of a data dir (before a server opens it), then closes it. */
export async function seedDataDir(dataDir: string, options: SeedOptions): Promise<SeedResult> {
  const store = await openStore({ dataDir });
  try {
    return await seedStore(store, options);
  } finally {
    await store.close();
  }
}
