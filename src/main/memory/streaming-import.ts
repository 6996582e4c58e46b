/**
 * An import from the first byte of the upload to the last write, never holding the file:
 * the upload is written to disk while it is checked (pass 1, import-formats.ts); only a
 * file with no bad record is then read again (pass 2) and written in batches of a few
 * thousand messages, each its own write through the store's queue, so that other
 * requests are served between them. One import runs at a time per store.
 *
 * All or nothing, as far as a file's contents go: a bad record anywhere refuses the file
 * before anything is written. A write that fails part way (a full disk) keeps the
 * batches written before it; importing the same file again adds only what is missing.
 */
import fs from 'node:fs';
import type { ImportSource } from '../../shared/schemas/transfer';
import { HttpError } from '../http/errors';
import type { ImportConversation, ImportFlow, NewMessage, SessionKeyRecord, Store } from '../store';
import {
  type ConversationKey,
  type ImportOptions,
  type ImportSink,
  importChecker,
  importReader,
} from './import-formats';
import { spoolUpload } from './import-spool';

/** A write holds at most about this many messages, or this much text (UTF-16 units). */
const BATCH_MESSAGES = 2_000;
const BATCH_CHARS = 4 * 1024 * 1024;
/** The second pass reads the file in pieces of this size. */
const READ_CHUNK = 256 * 1024;

export const IMPORT_BUSY = 'another import is running; retry when it ends';

/** What an import has written so far (filled in as batches commit, so a failed import still tells). */
export interface ImportTotals {
  flowsCreated: string[];
  sessions: Map<string, SessionKeyRecord>;
  messages: number;
  skipped: number;
}

export const emptyTotals = (): ImportTotals => ({
  flowsCreated: [],
  sessions: new Map(),
  messages: 0,
  skipped: 0,
});

/** The messages read since the last write, grouped by conversation in the file's order. */
class Batch implements ImportSink {
  flows: ImportFlow[] = [];
  conversations: ImportConversation[] = [];
  messages = 0;
  chars = 0;

  flow(flow: ImportFlow): void {
    this.flows.push(flow);
  }

  message(key: ConversationKey, message: NewMessage): void {
    const last = this.conversations[this.conversations.length - 1];
    if (last && last.flowId === key.flowId && last.sessionId === key.sessionId) last.messages.push(message);
    else this.conversations.push({ ...key, messages: [message] });
    this.messages += 1;
    this.chars += message.content.length;
  }

  get full(): boolean {
    return this.messages >= BATCH_MESSAGES || this.chars >= BATCH_CHARS;
  }

  get empty(): boolean {
    return this.flows.length === 0 && this.conversations.length === 0;
  }

  take(): { flows: ImportFlow[]; conversations: ImportConversation[] } {
    const taken = { flows: this.flows, conversations: this.conversations };
    this.flows = [];
    this.conversations = [];
    this.messages = 0;
    this.chars = 0;
    return taken;
  }
}

async function write(store: Store, batch: Batch, totals: ImportTotals): Promise<void> {
  if (batch.empty) return;
  const outcome = await store.importConversations(batch.take());
  totals.flowsCreated.push(...outcome.flowsCreated);
  for (const key of outcome.sessions) totals.sessions.set(`${key.flowId}\u0000${key.sessionId}`, key);
  totals.messages += outcome.messages;
  totals.skipped += outcome.skipped;
}

const importing = new WeakSet<Store>();

/**
 * Imports an upload (the request body, or a file's text in pieces). 409 while another
 * import runs; 413 past `maxBytes`; 400 (naming the record, line and field) for a file
 * that is not one Mnemo imports. `totals` shows what was written, also when it fails.
 */
export async function importUpload(
  store: Store,
  body: AsyncIterable<Uint8Array | string>,
  options: ImportOptions & { maxBytes: number; spoolDir: string },
  totals: ImportTotals,
): Promise<ImportSource> {
  if (importing.has(store)) throw new HttpError(409, IMPORT_BUSY);
  importing.add(store);
  try {
    const checker = importChecker(options);
    const spool = await spoolUpload(options.spoolDir, body, {
      maxBytes: options.maxBytes,
      onChunk: (chunk) => {
        checker.push(chunk);
        return !checker.stopped;
      },
    });
    try {
      const checked = await checker.finish(spool.file);
      const batch = new Batch();
      for (const flow of checked.flows) batch.flow(flow);
      const reader = importReader(checked, options, batch);
      for await (const chunk of fs.createReadStream(spool.file, { highWaterMark: READ_CHUNK })) {
        reader.push(chunk as Buffer);
        if (batch.full) await write(store, batch, totals);
      }
      reader.end();
      await write(store, batch, totals);
      return checked.format;
    } finally {
      await spool.remove();
    }
  } finally {
    importing.delete(store);
  }
}
