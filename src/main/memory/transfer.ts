/**
 * Export and import (SPEC 4.3): an export streams from a snapshot of the store, page by
 * page, as Mnemo JSON or Markdown; an import streams the upload to disk while checking
 * every record, then adds what is not there yet in batches, so a second import of the
 * same file adds nothing (streaming-import.ts).
 */
import type { z } from 'zod';
import {
  type ExportFormat,
  type ExportQuery,
  IMPORT_MAX_BYTES,
  type ImportResult,
} from '../../shared/schemas/transfer';
import { badRequest } from '../http/errors';
import type { ExportFilter, ExportItem } from '../store';
import type { ServiceContext } from '.';
import { type ExportCounts, type ExportWriter, markdownWriter, mnemoJsonWriter } from './export-writers';
import { MAX_EVENTS_PER_CHANGE } from './sessions';
import { emptyTotals, importUpload } from './streaming-import';

export interface ExportStream {
  filename: string;
  contentType: string;
  /** The text, piece by piece; read it to the end or `return()` it (it holds a database connection). */
  chunks: AsyncGenerator<string>;
  /** Filled in while `chunks` is read. */
  counts: ExportCounts;
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
};
const EXTENSION: Record<ExportFormat, string> = { json: 'json', markdown: 'md' };

/** Text that is safe in a file name (and in a Content-Disposition header) on every system. */
const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);

export function exportFileName(query: ExportFilter, format: ExportFormat, now: number): string {
  if (query.sessionId !== undefined) {
    const flow = query.flowId === undefined ? '' : `${safeName(query.flowId)}-`;
    return `mnemo-${flow}${safeName(query.sessionId)}.${EXTENSION[format]}`;
  }
  const stamp = new Date(now).toISOString().slice(0, 19).replace('T', '-').replaceAll(':', '');
  return `mnemo-export-${stamp}.${EXTENSION[format]}`;
}

/** Pieces of about this many characters: fewer, larger writes to the socket or file. */
const CHUNK_CHARS = 16 * 1024;

/** What an export that stopped part-way throws, after its text has said so. */
export class ExportIncomplete extends Error {
  constructor(
    readonly counts: ExportCounts,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `the export stopped after ${counts.sessions} conversations and ${counts.messages} messages: ${reason}`,
      {
        cause,
      },
    );
    this.name = 'ExportIncomplete';
  }
}

/**
 * The export's text, in pieces of at least CHUNK_CHARS. A batch is bounded in size by the
 * store, so no piece comes near V8's limit on a string. When reading fails part-way, the
 * last piece is the writer's note that the export is incomplete, and then it throws
 * ExportIncomplete: whoever streams it must not end the file or response as if complete.
 */
async function* render(batches: AsyncGenerator<ExportItem[]>, writer: ExportWriter, counts: ExportCounts) {
  let pending = writer.start();
  try {
    for await (const items of batches) {
      pending += writer.write(items);
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = '';
      }
    }
  } catch (error) {
    const incomplete = new ExportIncomplete({ ...counts }, error);
    yield pending + writer.fail(incomplete.message);
    throw incomplete;
  } finally {
    await batches.return(undefined);
  }
  yield pending + writer.end();
}

export function transferService(context: ServiceContext) {
  const { store, events } = context;

  return {
    /** An export of the conversations matching the filter (live ones only), ready to stream. */
    export(query: z.output<typeof ExportQuery>): ExportStream {
      if (query.startDate !== undefined && query.endDate !== undefined && query.startDate > query.endDate) {
        throw badRequest('field "endDate": must not be before startDate');
      }
      const now = Date.now();
      const filter: ExportFilter = {
        flowId: query.flowId,
        sessionId: query.sessionId,
        q: query.q,
        startDate: query.startDate,
        endDate: query.endDate,
      };
      const counts: ExportCounts = { sessions: 0, messages: 0 };
      const writer = query.format === 'markdown' ? markdownWriter(now, counts) : mnemoJsonWriter(now, counts);
      return {
        filename: exportFileName(filter, query.format, now),
        contentType: CONTENT_TYPE[query.format],
        chunks: render(store.exportBatches(filter), writer, counts),
        counts,
      };
    },

    /**
     * Imports an upload (the request body, or a file's text in pieces) as it streams: 400
     * naming the record when any record is wrong (nothing is imported then), 409 while
     * another import runs, 413 past IMPORT_MAX_BYTES (streaming-import.ts).
     */
    async import(body: AsyncIterable<Uint8Array | string>, flowId?: string): Promise<ImportResult> {
      const totals = emptyTotals();
      try {
        const options = {
          flowId,
          now: Date.now(),
          maxBytes: IMPORT_MAX_BYTES,
          spoolDir: context.info.dataDir,
        };
        const format = await importUpload(store, body, options, totals);
        return {
          format,
          flows: totals.flowsCreated.length,
          sessions: totals.sessions.size,
          messages: totals.messages,
          skipped: totals.skipped,
        };
      } finally {
        // Also when a batch failed part way: the windows show what was written before it.
        const sessions = [...totals.sessions.values()];
        for (const id of totals.flowsCreated) events.publish({ type: 'flow.changed', flowId: id });
        if (sessions.length <= MAX_EVENTS_PER_CHANGE) {
          for (const key of sessions) events.publish({ type: 'session.changed', ...key });
        } else {
          // Many conversations: one event per flow touched (lists refetch on it).
          for (const id of new Set(sessions.map((s) => s.flowId))) {
            events.publish({ type: 'flow.changed', flowId: id });
          }
        }
      }
    },
  };
}

export type TransferService = ReturnType<typeof transferService>;
