/**
 * Issue 17: two real `serve` processes on one PostgreSQL database, appended to through
 * both (Sim adds to one shared conversation, Flowise predictions on one shared session,
 * several connections each); one is killed with SIGKILL mid-load. Every write either
 * process acknowledged is stored exactly once, each client's in the order acknowledged,
 * no turn is torn or interleaved, and the survivor keeps answering throughout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/pg-database';
import { type ServeProcess, serveBuilt, startServe } from '../helpers/serve-process';

const KEY = 'kill-test-key-0123456789abcdef';
const CLIENTS_PER_KIND = 3;
/**
 * The kill comes once each process has acknowledged a few writes (their first ones wait for
 * connections and prepared statements), then up to MAX_KILL_MS later, at random; the load
 * on the survivor goes on for AFTER_KILL_MS.
 */
const WARM_WRITES = 5;
const MAX_KILL_MS = 1000;
const AFTER_KILL_MS = 1500;
const SIM_CONVERSATION = 'kill-shared';
const PREDICTION_SESSION = 'kill-turns';

type Kind = 'sim' | 'prediction';
interface Write {
  client: string;
  kind: Kind;
  text: string;
  acked: boolean;
  /** Acknowledged after the kill was sent (by the survivor). */
  afterKill: boolean;
}

interface Message {
  role: string;
  content: string;
}

let database: TestDatabase;
let dirs: string[] = [];
let servers: ServeProcess[] = [];

async function post(serve: ServeProcess, kind: Kind, text: string): Promise<Response> {
  const body =
    kind === 'sim'
      ? { conversationId: SIM_CONVERSATION, role: 'user', content: text }
      : { question: text, overrideConfig: { sessionId: PREDICTION_SESSION } };
  const url = kind === 'sim' ? `${serve.url}/api/memory` : `${serve.url}/api/v1/prediction/default`;
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** One client: appends one write at a time through one server until told to stop or its server dies. */
async function client(
  serve: ServeProcess,
  name: string,
  kind: Kind,
  state: { killed: ServeProcess | null; stop: boolean },
  writes: Write[],
): Promise<void> {
  for (let i = 0; !state.stop; i++) {
    const write: Write = { client: name, kind, text: `${name}-n${i}`, acked: false, afterKill: false };
    writes.push(write);
    try {
      const res = await post(serve, kind, write.text);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${name}: ${kind} answered ${res.status}`);
      write.acked = true;
      write.afterKill = state.killed !== null;
    } catch (error) {
      // In flight when its server was killed: stored or not, never twice (checked below).
      if (state.killed === serve) return;
      throw error;
    }
  }
}

/** Every message of a session, read through the survivor, following nextCursor. */
async function readSession(serve: ServeProcess, sessionId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await fetch(`${serve.url}/api/v1/sessions/default/${sessionId}?${query}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { messages: Message[]; nextCursor: string | null };
    messages.push(...page.messages);
    cursor = page.nextCursor;
  } while (cursor);
  return messages;
}

// PostgreSQL only: two processes sharing one database is what the PostgreSQL store is for.
describe.skipIf(!onPostgres() || !serveBuilt())('kill -9 of one of two servers under load', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-kill-')));
    servers = await Promise.all(
      dirs.map((dir) => startServe(dir, { MNEMO_DATABASE_URL: database.url, MNEMO_API_KEY: KEY })),
    );
  });
  afterAll(async () => {
    for (const serve of servers) await serve.kill('SIGKILL');
    await database?.drop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged write, stores none twice, and the survivor keeps answering', async () => {
    const [victim, survivor] = servers as [ServeProcess, ServeProcess];
    const writes: Write[] = [];
    const state: { killed: ServeProcess | null; stop: boolean } = { killed: null, stop: false };
    const clients = servers.flatMap((serve, s) =>
      (['sim', 'prediction'] as const).flatMap((kind) =>
        Array.from({ length: CLIENTS_PER_KIND }, (_, c) =>
          client(serve, `${kind}-s${s}-c${c}`, kind, state, writes),
        ),
      ),
    );
    const ackedThrough = (s: number) => writes.filter((w) => w.acked && w.client.includes(`-s${s}-`)).length;
    await expect
      .poll(() => Math.min(ackedThrough(0), ackedThrough(1)), { timeout: 8000, interval: 20 })
      .toBeGreaterThanOrEqual(WARM_WRITES);
    const killAfter = Math.floor(Math.random() * MAX_KILL_MS);
    await new Promise((r) => setTimeout(r, killAfter));
    state.killed = victim;
    expect(await victim.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await new Promise((r) => setTimeout(r, AFTER_KILL_MS));
    state.stop = true;
    await Promise.all(clients);

    const acked = writes.filter((w) => w.acked);
    const ackedBy = (prefix: string) => acked.filter((w) => w.client.includes(prefix));
    // Both processes had acknowledged writes before the kill, and the survivor went on after it.
    expect(ackedBy('-s0-').length).toBeGreaterThan(0);
    expect(ackedBy('-s1-').filter((w) => !w.afterKill).length).toBeGreaterThan(0);
    expect(ackedBy('-s1-').filter((w) => w.afterKill).length).toBeGreaterThan(0);

    const sim = await readSession(survivor, SIM_CONVERSATION);
    const turns = await readSession(survivor, PREDICTION_SESSION);
    const times = new Map<string, number>();
    for (const m of [...sim, ...turns]) {
      if (m.role === 'user') times.set(m.content, (times.get(m.content) ?? 0) + 1);
    }
    for (const write of writes) {
      const stored = times.get(write.text) ?? 0;
      if (write.acked) expect({ write: write.text, stored }).toEqual({ write: write.text, stored: 1 });
      else expect({ write: write.text, stored: Math.min(stored, 1) }).toEqual({ write: write.text, stored });
    }
    // Nothing stored that no client sent.
    const sent = new Set(writes.map((w) => w.text));
    expect([...times.keys()].filter((text) => !sent.has(text))).toEqual([]);

    // Each client's acknowledged writes are stored in the order they were acknowledged.
    const order = [...sim, ...turns].filter((m) => m.role === 'user').map((m) => m.content);
    for (const name of new Set(writes.map((w) => w.client))) {
      const mine = acked.filter((w) => w.client === name).map((w) => w.text);
      const ackedSet = new Set(mine);
      expect({ client: name, order: order.filter((text) => ackedSet.has(text)) }).toEqual({
        client: name,
        order: mine,
      });
    }

    // Whole turns, never interleaved across the two processes: each question followed by its echo.
    expect(sim.every((m) => m.role === 'user')).toBe(true);
    expect(turns.length % 2).toBe(0);
    for (let i = 0; i < turns.length; i += 2) {
      const [question, answer] = [turns[i] as Message, turns[i + 1] as Message];
      expect({ question: question.role, answer: answer.role }).toEqual({
        question: 'user',
        answer: 'assistant',
      });
      expect(answer.content).toMatch(new RegExp(`^You said: "${question.content}" \\(\\d+ earlier`));
    }

    // The survivor still answers a read and a write after the test's load.
    expect((await post(survivor, 'sim', 'after-the-kill')).status).toBe(200);
    const afterKill = acked.filter((w) => w.afterKill).length;
    console.log(
      `kill -9 ${killAfter} ms after each process had acknowledged ${WARM_WRITES} writes: ${acked.length} acknowledged writes checked (${afterKill} by the survivor after the kill), ` +
        `${writes.length - acked.length} in flight, ${sim.length} Sim messages and ${turns.length / 2} turns stored`,
    );
  });
});
