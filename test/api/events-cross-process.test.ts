/**
 * Two Mnemo servers on one data dir (the desktop app and `npm run serve`): what a script
 * writes through one reaches the other's live events, and each event reaches a process's
 * own windows once.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Mnemo, startMnemo } from '../../src/main/core';
import { DATABASE_FILE } from '../../src/main/store';
import type { MnemoEvent } from '../../src/shared/schemas/events';
import { eventually } from '../helpers/eventually';
import { onPostgres } from '../helpers/pg-database';
import { openSse, type SseMessage, type SseStream } from '../helpers/sse';
import { tempDir } from '../helpers/tmp';

interface Process {
  mnemo: Mnemo;
  stream: SseStream;
  request(pathAndQuery: string, init?: { method?: string; json?: unknown }): Promise<Response>;
  /** The next event on this process's stream equal to `event` (3 s: the poll is every 250 ms). */
  sees(event: MnemoEvent, timeoutMs?: number): Promise<void>;
}

const tmp = tempDir();
const dataDir = path.join(tmp.dir, 'data');
let a: Process;
let b: Process;

async function start(): Promise<Process> {
  const mnemo = await startMnemo({ host: '127.0.0.1', port: 0, dataDir, corsOrigins: [] }, { env: {} });
  const url = mnemo.address.url;
  const auth = { authorization: `Bearer ${mnemo.apiKey()}` };
  const stream = await openSse(`${url}/api/v1/events`, auth);
  await stream.next((m) => m.comment === 'connected');
  return {
    mnemo,
    stream,
    request: (pathAndQuery, init = {}) =>
      fetch(url + pathAndQuery, {
        method: init.method ?? 'GET',
        headers: init.json === undefined ? auth : { ...auth, 'content-type': 'application/json' },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }),
    async sees(event, timeoutMs = 3000) {
      const message = await stream.next(isEvent(event), timeoutMs);
      expect(JSON.parse(message.data ?? 'null')).toEqual(event);
    },
  };
}

const isEvent = (event: MnemoEvent) => (m: SseMessage) => m.data === JSON.stringify(event);

async function ok(res: Promise<Response>): Promise<void> {
  const answer = await res;
  expect(answer.status, await answer.text()).toBe(200);
}

const simAdd = (p: Process, conversationId: string, blockId = 'default') =>
  ok(
    p.request('/api/memory', {
      method: 'POST',
      json: { conversationId, blockId, role: 'user', content: 'hi' },
    }),
  );

// SQLite only: two processes on one data dir share its file's change log. Two processes on
// one PostgreSQL database are multi-process-postgres.test.ts.
const sqliteOnly = onPostgres();

beforeAll(async () => {
  if (sqliteOnly) return;
  a = await start();
  b = await start();
});
afterAll(async () => {
  a?.stream.close();
  b?.stream.close();
  await a?.mnemo.close();
  await b?.mnemo.close();
  tmp.cleanup();
});

describe.skipIf(sqliteOnly)('a write through one process is an event in the other', () => {
  it('a Sim add and a Flowise prediction through A: B tells session.changed', async () => {
    await simAdd(a, 'sim-1');
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'sim-1' });

    await ok(
      a.request('/api/v1/prediction/default', {
        method: 'POST',
        json: { question: 'remember me', overrideConfig: { sessionId: 'flowise-1' } },
      }),
    );
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'flowise-1' });
  });

  it('a rename, a delete to the trash, a restore and a hard delete through A', async () => {
    await simAdd(a, 'life');
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'life' });

    await ok(a.request('/api/v1/sessions/default/life', { method: 'PATCH', json: { title: 'renamed' } }));
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'life' });

    await ok(a.request('/api/v1/sessions/default/life', { method: 'DELETE' }));
    await b.sees({ type: 'session.deleted', flowId: 'default', sessionId: 'life' });
    await b.sees({ type: 'trash.changed' });

    const trash = (await (await a.request('/api/v1/trash')).json()) as { items: Array<{ trashId: number }> };
    await ok(
      a.request('/api/v1/trash/restore', { method: 'POST', json: { ids: [trash.items[0]?.trashId] } }),
    );
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'life' });
    await b.sees({ type: 'trash.changed' });

    await ok(a.request('/api/v1/sessions/default/life?hard=true', { method: 'DELETE' }));
    await b.sees({ type: 'session.deleted', flowId: 'default', sessionId: 'life' });
  });

  it('a flow created, changed and deleted through A: B tells flow.changed', async () => {
    await ok(a.request('/api/v1/chatflows', { method: 'POST', json: { id: 'shared-flow', name: 'Shared' } }));
    await b.sees({ type: 'flow.changed', flowId: 'shared-flow' });
    await ok(a.request('/api/v1/chatflows/shared-flow', { method: 'PUT', json: { name: 'Renamed' } }));
    await b.sees({ type: 'flow.changed', flowId: 'shared-flow' });
    await ok(a.request('/api/v1/chatflows/shared-flow?confirm=true', { method: 'DELETE' }));
    await b.sees({ type: 'flow.changed', flowId: 'shared-flow' });
  });

  it('an import through A: B tells of the new flow and of a conversation it added to', async () => {
    await simAdd(a, 'existing', 'imported');
    await b.sees({ type: 'session.changed', flowId: 'imported', sessionId: 'existing' });
    const file = JSON.stringify([
      { conversationId: 'existing', blockId: 'imported', data: [{ role: 'user', content: 'more' }] },
      { conversationId: 'new-one', blockId: 'imported', data: [{ role: 'user', content: 'first' }] },
      { conversationId: 'elsewhere', blockId: 'import-made', data: [{ role: 'user', content: 'new flow' }] },
    ]);
    const res = await fetch(`${a.mnemo.address.url}/api/v1/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.mnemo.apiKey()}`, 'content-type': 'application/json' },
      body: file,
    });
    expect(res.status, await res.text()).toBe(200);
    // An imported conversation that is new shows as a change of its flow's list.
    await b.sees({ type: 'session.changed', flowId: 'imported', sessionId: 'existing' });
    await b.sees({ type: 'flow.changed', flowId: 'imported' });
    await b.sees({ type: 'flow.changed', flowId: 'import-made' });
  });
});

describe.skipIf(sqliteOnly)('each process tells of each change once', () => {
  it('its own writes from its services only, the other’s from the change log only', async () => {
    // A writes, then B: when A's stream has B's change, A has read the log past its own
    // row too; were its own rows published again, that copy would be queued already.
    await simAdd(a, 'once-a');
    await simAdd(b, 'once-b');
    await a.sees({ type: 'session.changed', flowId: 'default', sessionId: 'once-b' });
    await a.sees({ type: 'session.changed', flowId: 'default', sessionId: 'once-a' });
    await expect(
      a.sees({ type: 'session.changed', flowId: 'default', sessionId: 'once-a' }, 50),
    ).rejects.toThrow(/no matching event/);

    await simAdd(a, 'once-c');
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'once-c' });
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'once-a' });
    await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'once-b' });
    await expect(
      b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'once-b' }, 50),
    ).rejects.toThrow(/no matching event/);
  });
});

describe.skipIf(sqliteOnly)('reading the other process’s changes', () => {
  it('survives a failing read (logged once) and catches up when reads work again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const outsider = new Database(path.join(dataDir, DATABASE_FILE));
    try {
      outsider.pragma('busy_timeout = 5000');
      // Every read of the log fails while it is away (no such table).
      outsider.exec('ALTER TABLE change_log RENAME TO change_log_away');
      const failed = () =>
        warn.mock.calls.filter(([line]) => String(line).includes('changes of other processes failed')).length;
      expect(await eventually(() => failed() >= 2, 5000)).toBe(true);
      // Both processes logged the outage once, however many reads failed.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(failed()).toBe(2);

      outsider.exec('ALTER TABLE change_log_away RENAME TO change_log');
      await simAdd(a, 'after-outage');
      await b.sees({ type: 'session.changed', flowId: 'default', sessionId: 'after-outage' });
      expect(warn.mock.calls.some(([line]) => String(line).includes('works again'))).toBe(true);
    } finally {
      outsider.close();
      warn.mockRestore();
    }
  });
});
