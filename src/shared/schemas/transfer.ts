/**
 * Export and import (SPEC 4.3): the export query, Mnemo's own lossless JSON format, the
 * two foreign shapes an import reads (Flowise's View Messages export, Sim memory
 * arrays) and what an import reports. docs/EXPORT-IMPORT.md describes them.
 */
import { z } from 'zod';
import { ChatType, FlowId, MessageContent, parseQueryDate, Role, SessionId } from './common';
import { FlowName, ResponderConfig, RetentionDays } from './flows';
import { SessionFilter } from './sessions';
import { MAX_EXTRA_DEPTH, nestsDeeper } from './sim';

export const ExportFormat = z.enum(['json', 'markdown']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** GET /api/v1/export: the session list's filter, optionally narrowed to one session id. */
export const ExportQuery = SessionFilter.extend({
  format: ExportFormat.default('json').describe(
    'json: Mnemo JSON (lossless, importable); markdown: readable',
  ),
  sessionId: SessionId.optional().describe('only the conversation with this session id (with flowId: one)'),
});
export type ExportQueryInput = z.input<typeof ExportQuery>;

/**
 * The largest file an import takes. An import streams (it holds one record at a time,
 * never the file), so this bounds only the disk the upload is kept on while it runs.
 */
export const IMPORT_MAX_BYTES = 4 * 1024 * 1024 * 1024;
/** The largest single value an import holds at once: one message, or one field of a record. */
export const IMPORT_MAX_VALUE_BYTES = 64 * 1024 * 1024;

/** POST /api/v1/import: the body is the file itself. */
export const ImportQuery = z.object({
  flowId: FlowId.optional().describe(
    'the flow for records that name none (Flowise exports; Sim memories without blockId); default "default", created if missing',
  ),
});

export const ImportSource = z.enum(['mnemo', 'flowise', 'sim']);
export type ImportSource = z.infer<typeof ImportSource>;

export const ImportResult = z.object({
  format: ImportSource,
  flows: z.number().int().describe('flows created'),
  sessions: z.number().int().describe('conversations that received messages'),
  messages: z.number().int().describe('messages added'),
  skipped: z.number().int().describe('messages already stored (same id or content hash), so not added again'),
});
export type ImportResult = z.infer<typeof ImportResult>;

/** A time in a file: an ISO 8601 instant (or a bare UTC date); `fileTime` reads it. */
export const FileTime = z
  .string()
  .refine(
    (text) => parseQueryDate(text, 'start') !== undefined,
    'must be an ISO 8601 time, e.g. 2026-01-31T10:15:30.123Z',
  );
/** Epoch ms of a time FileTime accepted. */
export const fileTime = (text: string): number => parseQueryDate(text, 'start') as number;

/** Extra keys stored with a message nest at most MAX_EXTRA_DEPTH levels, as a Sim add's (stored as JSON). */
function checkExtraDepth(
  extras: Record<string, unknown>,
  ctx: z.RefinementCtx,
  skip: readonly string[] = [],
) {
  for (const [key, value] of Object.entries(extras)) {
    if (skip.includes(key)) continue;
    if (nestsDeeper(value, MAX_EXTRA_DEPTH)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `nests deeper than ${MAX_EXTRA_DEPTH} levels` });
    }
  }
}

const Metadata = z
  .record(z.string(), z.unknown())
  .superRefine((metadata, ctx) => checkExtraDepth(metadata, ctx));
const MessageId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -');
const ImportKey = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits');

// Mnemo JSON, version 1: lossless, one flow or session per line so it can be streamed.
export const MNEMO_FORMAT = 'mnemo';
export const MNEMO_VERSION = 1;

export const MnemoFlow = z.object({
  id: FlowId,
  name: FlowName,
  responder: ResponderConfig,
  retentionDays: RetentionDays.default(null),
  createdAt: FileTime,
  updatedAt: FileTime,
});

export const MnemoMessage = z.object({
  id: MessageId,
  role: Role,
  content: MessageContent,
  createdAt: FileTime,
  chatId: SessionId,
  chatType: ChatType,
  metadata: Metadata.nullable().default(null),
  /** Only on messages that came from a Flowise or Sim import: what makes re-importing it a no-op. */
  importKey: ImportKey.optional(),
});

const mnemoSession = <M extends z.ZodType>(message: M) =>
  z.object({
    flowId: FlowId,
    sessionId: SessionId,
    /** As stored: null when it has no user message and was never renamed. */
    title: z.string().max(200).nullable(),
    titleCustom: z.boolean().default(false),
    /** Derived from the messages (first and last); shown for readers, recomputed on import. */
    createdAt: FileTime.optional(),
    updatedAt: FileTime.optional(),
    messages: z.array(message).min(1, 'must hold at least one message'),
  });

export const MnemoSession = mnemoSession(MnemoMessage);

/** The parts of a Mnemo file around its records (each record is checked on its own). */
export const MnemoHeader = z.object({
  format: z.literal(MNEMO_FORMAT),
  version: z.literal(MNEMO_VERSION, {
    error: `must be ${MNEMO_VERSION} (the only version this Mnemo reads)`,
  }),
  exportedAt: FileTime.optional(),
  flows: z.array(z.unknown()),
  sessions: z.array(z.unknown()),
});

/** The whole of a Mnemo JSON file (for the API description; an import checks it record by record). */
export const MnemoExport = z.object({
  format: z.literal(MNEMO_FORMAT),
  version: z.literal(MNEMO_VERSION),
  exportedAt: FileTime,
  flows: z.array(MnemoFlow),
  sessions: z.array(MnemoSession),
});

// Flowise's View Messages export: one record per chat, messages as the dialog shows them.
export const FlowiseExportMessage = z
  .looseObject({
    content: MessageContent,
    role: z.enum(['user', 'bot'], { error: 'must be "user" or "bot"' }),
    time: FileTime,
  })
  .superRefine((message, ctx) => checkExtraDepth(message, ctx, ['content', 'role', 'time']));

const flowiseRecord = <M extends z.ZodType>(message: M) =>
  z.looseObject({
    /** Flowise's chatId. */
    id: SessionId,
    /** "UI" for the Flowise window's own chats, "API/Embed" otherwise. */
    source: z.string().max(100).nullish(),
    sessionId: SessionId.nullish(),
    memoryType: z.string().max(200).nullish(),
    messages: z.array(message),
  });

export const FlowiseExportRecord = flowiseRecord(FlowiseExportMessage);

// Sim memory arrays: what GET /api/memory answers in `memories`.
export const SimMessage = z
  .looseObject({ role: Role, content: MessageContent })
  .superRefine((message, ctx) => checkExtraDepth(message, ctx, ['role', 'content']));

const simMemory = <M extends z.ZodType>(message: M) =>
  z
    .looseObject({
      conversationId: SessionId.optional(),
      key: z.string().min(1).max(400).optional(),
      blockId: FlowId.optional(),
      blockName: FlowName.optional(),
      data: z.array(message),
    })
    .refine((m) => m.conversationId !== undefined || m.key !== undefined, {
      message: 'is required (or "key")',
      path: ['conversationId'],
    });

export const SimMemory = simMemory(SimMessage);

/**
 * The records with their messages left unchecked: an import reads a record's messages
 * one at a time (a record may be larger than memory) and checks each with the schemas above.
 */
export const RecordHeaders = {
  mnemo: mnemoSession(z.unknown()),
  flowise: flowiseRecord(z.unknown()),
  sim: simMemory(z.unknown()),
};

// What the desktop window asks of its main process (IPC only).
export const ExportToFileInput = ExportQuery;
export const ExportToFileResult = z.object({
  /** False when the person closed the save dialog. */
  saved: z.boolean(),
  file: z.string().nullable(),
  sessions: z.number().int(),
  messages: z.number().int(),
  bytes: z.number().int(),
});
export type ExportToFileResult = z.infer<typeof ExportToFileResult>;

export const ImportContentInput = z.object({
  /** The file's text. */
  content: z.string().min(1, 'the file is empty').max(IMPORT_MAX_BYTES),
  flowId: FlowId.optional(),
});
