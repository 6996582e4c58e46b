/**
 * The desktop window's export and import (IPC): the main process asks where to save
 * (Electron's save dialog, passed in) and streams the export into that file with
 * backpressure; an import takes the text of a file the person picked or dropped, and
 * goes the same streaming way as an upload (in pieces, kept on disk while it is checked).
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DesktopHandlers } from '../../shared/contract';
import type { ExportFormat } from '../../shared/schemas/transfer';
import type { TransferService } from './transfer';

/** Characters per piece of a text handed to the import. */
const PIECE_CHARS = 1024 * 1024;

/** A text in pieces of about PIECE_CHARS, never cutting a surrogate pair in two. */
export async function* textPieces(text: string): AsyncGenerator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + PIECE_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    yield text.slice(start, end);
    start = end;
  }
}

/** Asks the person where to save; undefined when they cancel. */
export type ChooseSavePath = (suggestedName: string, format: ExportFormat) => Promise<string | undefined>;

export function desktopTransferHandlers(
  transfer: TransferService,
  chooseSavePath: ChooseSavePath,
): DesktopHandlers {
  return {
    async exportToFile(input) {
      const out = transfer.export(input);
      const file = await chooseSavePath(out.filename, input.format).catch(async (error: unknown) => {
        await out.chunks.return(undefined);
        throw error;
      });
      if (file === undefined) {
        await out.chunks.return(undefined);
        return { saved: false, file: null, sessions: 0, messages: 0, bytes: 0 };
      }
      try {
        await pipeline(Readable.from(out.chunks), fs.createWriteStream(file));
      } catch (error) {
        // A half-written export is worse than none.
        await fs.promises.rm(file, { force: true });
        throw error;
      }
      const { size } = await fs.promises.stat(file);
      return { saved: true, file, sessions: out.counts.sessions, messages: out.counts.messages, bytes: size };
    },

    importContent: ({ content, flowId }) => transfer.import(textPieces(content), flowId),
  };
}
