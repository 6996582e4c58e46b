import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IpcMainLike, registerDesktopIpc } from '../../src/main/ipc';
import type { ServiceContext } from '../../src/main/memory';
import { type ChooseSavePath, desktopTransferHandlers } from '../../src/main/memory/desktop-transfer';
import { EventBus } from '../../src/main/memory/events';
import { transferService } from '../../src/main/memory/transfer';
import { openStore, type Store } from '../../src/main/store';
import { desktopOperationNames, ipcChannel } from '../../src/shared/contract';
import type { ExportFormat } from '../../src/shared/schemas/transfer';
import { tempDir } from '../helpers/tmp';

let store: Store;
let dir: string;
let cleanup: () => void;
let events: EventBus;
beforeEach(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  dir = tmp.dir;
  store = await openStore({ dataDir: path.join(dir, 'data') });
  events = new EventBus();
  await store.bulkInsert(
    Array.from({ length: 700 }, (_, i) => ({
      flowId: 'default',
      sessionId: `s${i}`,
      messages: [
        {
          role: 'user' as const,
          content: `question ${i}`,
          createdAt: 1_000 + i,
          chatType: 'EXTERNAL' as const,
        },
        {
          role: 'assistant' as const,
          content: `answer ${i}`,
          createdAt: 2_000 + i,
          chatType: 'EXTERNAL' as const,
        },
      ],
    })),
  );
});
afterEach(async () => {
  await store.close();
  cleanup();
});

// An import spools its upload in the data dir (info.dataDir), whichever store holds the data.
const transfer = () =>
  transferService({ store, events, info: { dataDir: path.join(dir, 'data') } } as unknown as ServiceContext);

describe('the desktop export (save dialog, then a stream into the file)', () => {
  it('writes the export where the person chose, named as suggested, and reports what it wrote', async () => {
    const asked: Array<[string, ExportFormat]> = [];
    const target = path.join(dir, 'chosen.json');
    const choose: ChooseSavePath = async (name, format) => {
      asked.push([name, format]);
      return target;
    };
    const handlers = desktopTransferHandlers(transfer(), choose);
    const result = await handlers.exportToFile({ format: 'json' });
    expect(asked).toEqual([[expect.stringMatching(/^mnemo-export-.*\.json$/), 'json']]);
    const text = fs.readFileSync(target, 'utf8');
    expect(result).toEqual({
      saved: true,
      file: target,
      sessions: 700,
      messages: 1_400,
      bytes: Buffer.byteLength(text),
    });
    expect(JSON.parse(text).sessions).toHaveLength(700);

    // The file imports back into the same store as a no-op.
    expect(await handlers.importContent({ content: text })).toMatchObject({ messages: 0, skipped: 1_400 });
  });

  it('writes nothing when the dialog is cancelled, and the store stays usable', async () => {
    const handlers = desktopTransferHandlers(transfer(), async () => undefined);
    const result = await handlers.exportToFile({ format: 'markdown', flowId: 'default', sessionId: 's1' });
    expect(result).toEqual({ saved: false, file: null, sessions: 0, messages: 0, bytes: 0 });
    expect(fs.readdirSync(dir)).toEqual(['data']);
    await store.close(); // no export connection left open to wait for
    store = await openStore({ dataDir: path.join(dir, 'data') });
  });

  it('removes a half-written file when writing fails', async () => {
    const handlers = desktopTransferHandlers(transfer(), async () => path.join(dir, 'no-such-dir', 'x.json'));
    await expect(handlers.exportToFile({ format: 'json' })).rejects.toThrow(/ENOENT/);
    expect(fs.existsSync(path.join(dir, 'no-such-dir'))).toBe(false);
  });
});

describe('the desktop operations over IPC', () => {
  const listeners = new Map<string, (event: never, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void listeners.set(channel, listener) };
  const TRUSTED = 'file:///app/out/renderer/index.html';
  const call = (name: string, url: string, arg: unknown) =>
    listeners.get(ipcChannel(name as never))?.({ senderFrame: { url } } as never, arg);

  it('registers each one, checks the sender and validates the input before the handler runs', async () => {
    registerDesktopIpc(
      ipcMain,
      desktopTransferHandlers(transfer(), async () => undefined),
      (u) => u === TRUSTED,
    );
    expect([...listeners.keys()].sort()).toEqual(desktopOperationNames.map(ipcChannel).sort());

    expect(await call('importContent', 'https://evil.example/', { content: '[]' })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await call('importContent', TRUSTED, { content: '' })).toEqual({
      ok: false,
      status: 400,
      message: 'field "content": the file is empty',
    });
    expect(await call('exportToFile', TRUSTED, { format: 'pdf' })).toMatchObject({ ok: false, status: 400 });
    expect(await call('importContent', TRUSTED, { content: '{"nope":1}' })).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/^not a file Mnemo imports/),
    });
    const sim = JSON.stringify([{ conversationId: 'c1', data: [{ role: 'user', content: 'dropped in' }] }]);
    expect(await call('importContent', TRUSTED, { content: sim, flowId: 'dropped' })).toEqual({
      ok: true,
      value: { format: 'sim', flows: 1, sessions: 1, messages: 1, skipped: 0 },
    });
  });
});
