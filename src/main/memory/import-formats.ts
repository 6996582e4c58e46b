/**
 * Reading an import file: which of the three shapes it is (Mnemo JSON, Flowise's View
 * Messages export, a Sim memory array), every record checked with its schema, and the
 * whole turned into flows and conversations for the store. Any bad record refuses the
 * whole file with a 400 that names the record, its line and the field.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { FlowId, SessionId } from '../../shared/schemas/common';
import { DEFAULT_FLOW_ID } from '../../shared/schemas/flows';
import {
  FlowiseExportRecord,
  fileTime,
  type ImportSource,
  MnemoFlow,
  MnemoHeader,
  MnemoSession,
  SimMemory,
} from '../../shared/schemas/transfer';
import { badRequest, type HttpError } from '../http/errors';
import type { ImportConversation, ImportFlow, NewMessage } from '../store';
import { elementLines, lineAndColumn, syntaxErrorOffset } from './json-lines';

export interface ParsedImport {
  format: ImportSource;
  flows: ImportFlow[];
  conversations: ImportConversation[];
}

export interface ImportOptions {
  /** The flow for records that name none (Flowise; Sim without blockId). */
  flowId?: string;
  /** The time given to messages that carry none (Sim). */
  now: number;
}

const NOTHING = 'nothing was imported';
const ECHO = { kind: 'echo' } as const;
const SHAPES =
  'expected Mnemo JSON (an object with "format": "mnemo"), a Flowise View Messages export ' +
  '(an array of {id, messages}) or a Sim memory array (an array of {conversationId, data})';

const importKey = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** A record refused: which one (counted from 0), on which line, which field, why. */
function recordError(
  text: string,
  what: string,
  index: number,
  arrayKey: string | undefined,
  issue: { path: PropertyKey[]; message: string },
): HttpError {
  const line = elementLines(text, arrayKey)[index];
  const field = issue.path.map(String).join('.');
  return badRequest(
    `${what} ${index}${line === undefined ? '' : ` (line ${line})`}${field ? `, field "${field}"` : ''}: ${issue.message}; ${NOTHING}`,
  );
}

/** Checks every element of an array with a schema; the first bad one refuses the file. */
function checkAll<S extends z.ZodType>(
  text: string,
  items: unknown[],
  schema: S,
  what: string,
  arrayKey?: string,
): z.output<S>[] {
  return items.map((item, index) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] ?? { path: [], message: 'is not valid' };
      throw recordError(text, what, index, arrayKey, issue);
    }
    return parsed.data;
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const stated = /at position (\d+)/.exec((error as Error).message)?.[1];
    const { line, column } = lineAndColumn(
      text,
      stated === undefined ? syntaxErrorOffset(text) : Number(stated),
    );
    throw badRequest(`the file is not valid JSON (line ${line}, column ${column}); ${NOTHING}`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseImport(rawText: string, options: ImportOptions): ParsedImport {
  const text = rawText.startsWith('\uFEFF') ? rawText.slice(1) : rawText;
  if (text.trim() === '') throw badRequest(`the file is empty; ${NOTHING}`);
  const data = parseJson(text);
  if (Array.isArray(data)) return fromArray(text, data, undefined, options);
  if (isObject(data)) {
    if ('format' in data) return fromMnemo(text, data);
    if (Array.isArray(data.memories)) return fromArray(text, data.memories, 'memories', options);
  }
  throw badRequest(`not a file Mnemo imports: ${SHAPES}; ${NOTHING}`);
}

/** A top-level array (or Sim's {memories:[...]}): Flowise or Sim, told by the first record. */
function fromArray(text: string, items: unknown[], key: string | undefined, options: ImportOptions) {
  const first = items[0];
  if (first === undefined) return { format: 'flowise' as const, flows: [], conversations: [] };
  if (isObject(first) && Array.isArray(first.messages) && key === undefined) {
    return fromFlowise(checkAll(text, items, FlowiseExportRecord, 'record'), options);
  }
  if (isObject(first) && Array.isArray(first.data)) return fromSim(text, items, key, options);
  throw recordError(text, 'record', 0, key, {
    path: [],
    message: `has neither "messages" (Flowise) nor "data" (Sim): not a file Mnemo imports (${SHAPES})`,
  });
}

function fromMnemo(text: string, data: Record<string, unknown>): ParsedImport {
  const header = MnemoHeader.safeParse(data);
  if (!header.success) {
    const issue = header.error.issues[0];
    const field = issue?.path.map(String).join('.');
    throw badRequest(`field "${field}": ${issue?.message}; ${NOTHING}`);
  }
  const flows: ImportFlow[] = checkAll(text, header.data.flows, MnemoFlow, 'flow', 'flows').map((f) => ({
    ...f,
    createdAt: fileTime(f.createdAt),
    updatedAt: fileTime(f.updatedAt),
  }));
  const sessions = checkAll(text, header.data.sessions, MnemoSession, 'session', 'sessions');
  const listed = new Set(flows.map((f) => f.id));
  for (const session of sessions) {
    if (listed.has(session.flowId)) continue;
    listed.add(session.flowId);
    flows.push({ id: session.flowId, name: session.flowId, responder: ECHO, retentionDays: null });
  }
  return {
    format: 'mnemo',
    flows,
    conversations: sessions.map((s) => ({
      flowId: s.flowId,
      sessionId: s.sessionId,
      title: s.titleCustom && s.title !== null ? s.title : undefined,
      messages: s.messages.map(
        (m): NewMessage => ({
          id: m.id,
          role: m.role,
          content: m.content,
          createdAt: fileTime(m.createdAt),
          chatId: m.chatId,
          chatType: m.chatType,
          metadata: m.metadata,
          importKey: m.importKey ?? null,
        }),
      ),
    })),
  };
}

/**
 * Flowise's records carry no flow id (the file is named after the chatflow): they go to
 * `options.flowId`. `id` is Flowise's chatId; the session is its sessionId, else the chatId.
 */
function fromFlowise(records: z.output<typeof FlowiseExportRecord>[], options: ImportOptions): ParsedImport {
  const flowId = options.flowId ?? DEFAULT_FLOW_ID;
  const seen = new Map<string, number>();
  const conversations = records
    .filter((r) => r.messages.length > 0)
    .map((r): ImportConversation => {
      const sessionId = r.sessionId ?? r.id;
      const chatType = r.source === 'UI' ? 'INTERNAL' : 'EXTERNAL';
      return {
        flowId,
        sessionId,
        messages: r.messages.map(({ content, role, time, ...extra }): NewMessage => {
          // Identical messages at the same time are told apart by how many came before.
          const what = ['flowise', flowId, sessionId, r.id, role, content, time];
          const key = JSON.stringify(what);
          const occurrence = seen.get(key) ?? 0;
          seen.set(key, occurrence + 1);
          return {
            role: role === 'bot' ? 'assistant' : 'user',
            content,
            createdAt: fileTime(time),
            chatId: r.id,
            chatType,
            metadata: Object.keys(extra).length > 0 ? extra : null,
            importKey: importKey([...what, occurrence]),
          };
        }),
      };
    });
  const flows = [{ id: flowId, name: flowId, responder: ECHO, retentionDays: null }];
  return { format: 'flowise', flows, conversations };
}

/** Where a Sim memory belongs: conversationId and blockId, else read from its key (`conversationId:blockId`). */
function simOwner(
  memory: z.output<typeof SimMemory>,
  fallbackFlow: string,
): { conversationId: unknown; blockId: unknown } {
  if (memory.conversationId !== undefined) {
    return { conversationId: memory.conversationId, blockId: memory.blockId ?? fallbackFlow };
  }
  const key = memory.key ?? '';
  if (memory.blockId !== undefined) {
    const suffix = `:${memory.blockId}`;
    return {
      conversationId: key.endsWith(suffix) ? key.slice(0, -suffix.length) : key,
      blockId: memory.blockId,
    };
  }
  const parts = key.split(':');
  if (parts.length === 2) return { conversationId: parts[0], blockId: parts[1] };
  return { conversationId: key, blockId: fallbackFlow };
}

function fromSim(
  text: string,
  items: unknown[],
  key: string | undefined,
  options: ImportOptions,
): ParsedImport {
  const memories = checkAll(text, items, SimMemory, 'record', key);
  const flows = new Map<string, ImportFlow>();
  const conversations = memories.map((memory, index): ImportConversation => {
    const owner = simOwner(memory, options.flowId ?? DEFAULT_FLOW_ID);
    const conversationId = SessionId.safeParse(owner.conversationId);
    const blockId = FlowId.safeParse(owner.blockId);
    for (const [field, parsed] of [
      ['key', conversationId],
      ['key', blockId],
    ] as const) {
      if (!parsed.success) {
        throw recordError(text, 'record', index, key, {
          path: [field],
          message: `does not name a conversation and block (conversationId:blockId): ${parsed.error.issues[0]?.message}`,
        });
      }
    }
    const sessionId = conversationId.data as string;
    const flowId = blockId.data as string;
    if (!flows.has(flowId)) {
      flows.set(flowId, {
        id: flowId,
        name: memory.blockName ?? flowId,
        responder: ECHO,
        retentionDays: null,
      });
    }
    return {
      flowId,
      sessionId,
      // Sim keeps no times: the messages take the import's time, in their order.
      messages: memory.data.map(
        ({ role, content, ...extra }, position): NewMessage => ({
          role,
          content,
          createdAt: options.now,
          chatId: sessionId,
          chatType: 'EXTERNAL',
          metadata: Object.keys(extra).length > 0 ? extra : null,
          importKey: importKey(['sim', flowId, sessionId, role, content, position]),
        }),
      ),
    };
  });
  return { format: 'sim', flows: [...flows.values()], conversations };
}
