/**
 * Reading an import file as it streams: which of the three shapes it is (Mnemo JSON,
 * Flowise's View Messages export, a Sim memory array), every record checked with its
 * schema, and its messages turned into the store's. A file is read twice. The check
 * (`importChecker`) reads all of it and refuses the whole file for any bad record, with a
 * 400 that names the record, its line and the field; only then the import
 * (`importReader`) reads it again and hands each message to a sink as it comes. Either
 * way one message (or one field of a record) is held at a time, never a record or the file.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { FlowId, SessionId } from '../../shared/schemas/common';
import { DEFAULT_FLOW_ID } from '../../shared/schemas/flows';
import {
  FlowiseExportMessage,
  fileTime,
  IMPORT_MAX_VALUE_BYTES,
  type ImportSource,
  MnemoFlow,
  MnemoHeader,
  MnemoMessage,
  RecordHeaders,
  SimMessage,
} from '../../shared/schemas/transfer';
import { badRequest, HttpError } from '../http/errors';
import type { ImportFlow, NewMessage } from '../store';
import { lineAndColumnInFile, syntaxErrorOffset } from './json-lines';
import {
  type ContainerKind,
  type JsonPath,
  type JsonReaderHandler,
  JsonSyntaxError,
  JsonValueTooLarge,
  jsonReader,
} from './json-reader';

export interface ImportOptions {
  /** The flow for records that name none (Flowise; Sim without blockId). */
  flowId?: string;
  /** The time given to messages that carry none (Sim). */
  now: number;
}

/** The conversation a message goes to, with the title a person gave it (Mnemo files). */
export interface ConversationKey {
  flowId: string;
  sessionId: string;
  title?: string;
}

/** Where an import puts what it reads, in the file's order. */
export interface ImportSink {
  flow(flow: ImportFlow): void;
  message(conversation: ConversationKey, message: NewMessage): void;
}

/** What the check learned that the import needs. */
export interface CheckedImport {
  format: ImportSource;
  /** Flows to create before anything else: Mnemo's (listed, or named by a session), Flowise's target. */
  flows: ImportFlow[];
  /** The fields of records that came after their messages, by `lateKey`. */
  lateFields: Map<string, Record<string, unknown>>;
}

const NOTHING = 'nothing was imported';
const ECHO = { kind: 'echo' } as const;
const SHAPES =
  'expected Mnemo JSON (an object with "format": "mnemo"), a Flowise View Messages export ' +
  '(an array of {id, messages}) or a Sim memory array (an array of {conversationId, data})';
const VALUE_MIB = IMPORT_MAX_VALUE_BYTES / 1024 / 1024;

/** The arrays of records: the top-level array (''), or one under a key of the top-level object. */
type Group = '' | 'flows' | 'sessions' | 'memories';
const GROUP_KEYS = new Set<unknown>(['flows', 'sessions', 'memories']);
/** Record keys whose arrays are read a message at a time. */
const ITEM_KEYS = new Set<unknown>(['messages', 'data']);

/** A file refused: what, and where (a byte offset; the message names its line). */
type Problem =
  | { kind: 'empty' }
  | { kind: 'shape' }
  | { kind: 'syntax'; offset: number }
  | { kind: 'header'; field: string; message: string; status?: number }
  | {
      kind: 'record';
      what: string;
      index: number;
      offset: number;
      field: string;
      message: string;
      status?: number;
    };

const importKey = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');
const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join('.');
type Issue = { path: PropertyKey[]; message: string };
const firstIssue = (error: z.ZodError): Issue => error.issues[0] ?? { path: [], message: 'is not valid' };
/** The first record is neither Flowise's nor Sim's. */
const NEITHER: Issue = {
  path: [],
  message: `has neither "messages" (Flowise) nor "data" (Sim): not a file Mnemo imports (${SHAPES})`,
};

/** The message a refused file gets; reads the file again for the line. */
async function refusal(problem: Problem, file: string): Promise<HttpError> {
  switch (problem.kind) {
    case 'empty':
      return badRequest(`the file is empty; ${NOTHING}`);
    case 'shape':
      return badRequest(`not a file Mnemo imports: ${SHAPES}; ${NOTHING}`);
    case 'syntax': {
      const { line, column } = await lineAndColumnInFile(file, problem.offset);
      return badRequest(`the file is not valid JSON (line ${line}, column ${column}); ${NOTHING}`);
    }
    case 'header':
      return new HttpError(problem.status ?? 400, `field "${problem.field}": ${problem.message}; ${NOTHING}`);
    case 'record': {
      const { line } = await lineAndColumnInFile(file, problem.offset);
      const field = problem.field ? `, field "${problem.field}"` : '';
      const message = `${problem.what} ${problem.index} (line ${line})${field}: ${problem.message}; ${NOTHING}`;
      return new HttpError(problem.status ?? 400, message);
    }
  }
}

/** Where a Sim memory belongs: conversationId and blockId, else read from its key (`conversationId:blockId`). */
function simOwner(
  memory: z.output<(typeof RecordHeaders)['sim']>,
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

type SimOwner = { flowId: string; sessionId: string; issue?: undefined } | { issue: Issue };

/** A Sim memory's conversation and flow, or the issue that it names none. */
function simConversation(memory: z.output<(typeof RecordHeaders)['sim']>, options: ImportOptions): SimOwner {
  const owner = simOwner(memory, options.flowId ?? DEFAULT_FLOW_ID);
  const conversationId = SessionId.safeParse(owner.conversationId);
  const blockId = FlowId.safeParse(owner.blockId);
  for (const parsed of [conversationId, blockId]) {
    if (!parsed.success) {
      return {
        issue: {
          path: ['key'],
          message: `does not name a conversation and block (conversationId:blockId): ${parsed.error.issues[0]?.message}`,
        },
      };
    }
  }
  return { flowId: blockId.data as string, sessionId: conversationId.data as string };
}

/** The record being read: its fields so far and its messages as they pass. */
interface RecordState {
  group: Group;
  index: number;
  offset: number;
  /** The array read a message at a time ('messages' or 'data'); undefined until the format says. */
  itemsKey?: string;
  itemsOpen: boolean;
  items: number;
  fields: Record<string, unknown>;
  /** A field came after the messages. */
  late: boolean;
  /** The first bad message (reported after the record's own fields, as its schema would). */
  itemIssue?: Issue;
  /** While importing: where its messages go and how each is converted. */
  convert?: (value: unknown, position: number) => void;
}

const lateKey = (record: RecordState) => `${record.group}/${record.index}`;
const recordWhat = (group: Group) =>
  group === 'flows' ? 'flow' : group === 'sessions' ? 'session' : 'record';

/**
 * The walk both passes share: which containers to walk (the top level, each record, a
 * record's messages/data), and what each value found is to the file.
 */
abstract class ImportWalk implements JsonReaderHandler {
  protected format: ImportSource | undefined;
  protected root: ContainerKind | 'value' | undefined;
  protected record: RecordState | undefined;

  descend(path: JsonPath, kind: ContainerKind): boolean {
    const [a, b, c] = path;
    switch (path.length) {
      case 0:
        return true;
      case 1:
        return typeof a === 'number' ? kind === 'object' : kind === 'array' && GROUP_KEYS.has(a);
      case 2:
        if (typeof a === 'number') return kind === 'array' && ITEM_KEYS.has(b);
        return kind === 'object' && (a === 'sessions' || a === 'memories');
      case 3:
        return kind === 'array' && (a === 'sessions' || a === 'memories') && ITEM_KEYS.has(c);
      default:
        return false;
    }
  }

  /** How deep a record sits (1 in a top-level array, 2 under a key), or 0 when `path` is in none. */
  protected static recordDepth(path: JsonPath): number {
    if (typeof path[0] === 'number') return 1;
    return GROUP_KEYS.has(path[0]) && typeof path[1] === 'number' ? 2 : 0;
  }

  open(path: JsonPath, kind: ContainerKind, offset: number): void {
    if (path.length === 0) {
      this.root = kind;
      return;
    }
    const depth = ImportWalk.recordDepth(path);
    if (depth === path.length) {
      const group = (depth === 1 ? '' : path[0]) as Group;
      this.record = {
        group,
        index: path[depth - 1] as number,
        offset,
        itemsKey: this.itemsKeyOf(group),
        itemsOpen: false,
        items: 0,
        fields: {},
        late: false,
      };
      this.startRecord(this.record);
    } else if (depth > 0 && path.length === depth + 1 && this.record) {
      const key = path[depth] as string;
      if (this.record.itemsKey === undefined && this.record.group === '' && this.record.index === 0) {
        // The first record tells Flowise (messages) from Sim (data).
        this.format = key === 'messages' ? 'flowise' : 'sim';
        this.record.itemsKey = key;
      }
      if (key === this.record.itemsKey) {
        this.record.itemsOpen = true;
        this.startItems(this.record);
      }
    } else if (path.length === 1) this.groupOpened(path[0] as Group);
  }

  close(path: JsonPath): void {
    const depth = ImportWalk.recordDepth(path);
    if (depth > 0 && depth === path.length && this.record) {
      const record = this.record;
      this.record = undefined;
      this.endRecord(record);
    }
  }

  value(path: JsonPath, value: unknown, offset: number): void {
    if (path.length === 0) {
      this.root = 'value';
      return;
    }
    const depth = ImportWalk.recordDepth(path);
    if (depth === 0) {
      if (path.length === 1) this.rootField(path[0] as string, value);
      return;
    }
    if (depth === path.length) {
      const group = (depth === 1 ? '' : path[0]) as Group;
      this.wholeRecord(group, path[depth - 1] as number, value, offset);
      return;
    }
    const record = this.record;
    if (!record) return;
    if (path.length === depth + 1) {
      record.fields[path[depth] as string] = value;
      if (record.itemsOpen) record.late = true;
    } else if (path[depth] === record.itemsKey) {
      record.items += 1;
      this.item(record, value, path[depth + 1] as number);
    }
  }

  /** The array of messages a record of this group holds, when the format says. */
  protected itemsKeyOf(group: Group): string | undefined {
    if (group === 'sessions') return 'messages';
    if (group === 'memories') return 'data';
    if (group === '' && this.format !== undefined) return this.format === 'flowise' ? 'messages' : 'data';
    return undefined;
  }

  /** The schema of a record's own fields (its messages left out) and of each message. */
  protected schemas(group: Group): { header: z.ZodType; item: z.ZodType } {
    if (group === 'sessions') return { header: RecordHeaders.mnemo, item: MnemoMessage };
    if (group === '' && this.format === 'flowise') {
      return { header: RecordHeaders.flowise, item: FlowiseExportMessage };
    }
    return { header: RecordHeaders.sim, item: SimMessage };
  }

  /** The record's own fields checked, with its messages left out (each is checked on its own; `messages` counts them). */
  protected header(record: RecordState, fields: Record<string, unknown>, messages: number) {
    const items =
      record.itemsKey && record.itemsOpen ? { [record.itemsKey]: messages > 0 ? [null] : [] } : {};
    return this.schemas(record.group).header.safeParse({ ...fields, ...items });
  }

  protected groupOpened(_group: Group): void {}
  protected rootField(_key: string, _value: unknown): void {}
  protected startRecord(_record: RecordState): void {}
  protected abstract startItems(record: RecordState): void;
  protected abstract item(record: RecordState, value: unknown, position: number): void;
  protected abstract endRecord(record: RecordState): void;
  protected abstract wholeRecord(group: Group, index: number, value: unknown, offset: number): void;
}

/** Pass 1: every record checked; the first problem kept (per array of records) until the file ends. */
class ImportCheck extends ImportWalk {
  private readonly problems = new Map<Group, Problem>();
  private readonly rootValues: Record<string, unknown> = {};
  private readonly groups = new Set<Group>();
  private readonly flows: ImportFlow[] = [];
  private readonly sessionFlows = new Set<string>();
  private readonly lateFields = new Map<string, Record<string, unknown>>();
  private records = 0;

  constructor(private readonly options: ImportOptions) {
    super();
  }

  private refuse(record: { group: Group; index: number; offset: number }, issue: Issue) {
    if (this.problems.has(record.group)) return;
    this.problems.set(record.group, {
      kind: 'record',
      what: recordWhat(record.group),
      index: record.index,
      offset: record.offset,
      field: fieldOf(issue.path),
      message: issue.message,
    });
  }

  /** A value too large to hold, as a problem of the record it is in. */
  tooLarge(error: JsonValueTooLarge): Problem {
    const depth = ImportWalk.recordDepth(error.path);
    const message = `is larger than the ${VALUE_MIB} MiB an import holds at once`;
    if (depth === 0) return { kind: 'header', field: fieldOf(error.path), message, status: 413 };
    const group = (depth === 1 ? '' : error.path[0]) as Group;
    const index = error.path[depth - 1] as number;
    const offset = this.record?.index === index ? this.record.offset : error.offset;
    const field = fieldOf(error.path.slice(depth));
    return { kind: 'record', what: recordWhat(group), index, offset, field, message, status: 413 };
  }

  protected override groupOpened(group: Group): void {
    this.groups.add(group);
  }

  protected override rootField(key: string, value: unknown): void {
    if (key === 'format' || key === 'version' || key === 'exportedAt' || GROUP_KEYS.has(key)) {
      this.rootValues[key] = value;
    }
  }

  protected override startRecord(record: RecordState): void {
    if (record.group === '') this.records += 1;
  }

  protected startItems(): void {}

  protected item(record: RecordState, value: unknown, position: number): void {
    if (record.itemIssue || this.problems.has(record.group)) return;
    const parsed = this.schemas(record.group).item.safeParse(value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      record.itemIssue = {
        path: [record.itemsKey as string, position, ...issue.path],
        message: issue.message,
      };
    }
  }

  protected endRecord(record: RecordState): void {
    if (this.problems.has(record.group)) return;
    const issue = this.recordIssue(record);
    if (issue) this.refuse(record, issue);
  }

  /** What is wrong with a record read to its end: its own fields first (as its schema orders them), then its messages. */
  private recordIssue(record: RecordState): Issue | undefined {
    const first = record.group === '' || record.group === 'memories' ? record.index === 0 : false;
    if (record.itemsKey === undefined || (first && record.group === 'memories' && !record.itemsOpen)) {
      return NEITHER;
    }
    const header = this.header(record, record.fields, record.items);
    if (!header.success) return firstIssue(header.error);
    if (record.itemIssue) return record.itemIssue;
    if (record.late) this.lateFields.set(lateKey(record), record.fields);
    if (record.group === 'sessions') {
      this.sessionFlows.add((header.data as z.output<(typeof RecordHeaders)['mnemo']>).flowId);
    } else if (this.format === 'sim' || record.group === 'memories') {
      return simConversation(header.data as z.output<(typeof RecordHeaders)['sim']>, this.options).issue;
    }
    return undefined;
  }

  protected wholeRecord(group: Group, index: number, value: unknown, offset: number): void {
    if (this.problems.has(group)) return;
    if (group === '') this.records += 1;
    const issue = this.wholeRecordIssue(group, index, value);
    if (issue) this.refuse({ group, index, offset }, issue);
  }

  /** A record read whole: a flow (Mnemo), else something that is not an object. */
  private wholeRecordIssue(group: Group, index: number, value: unknown): Issue | undefined {
    if (group === 'flows') {
      const flow = MnemoFlow.safeParse(value);
      if (!flow.success) return firstIssue(flow.error);
      this.flows.push({
        ...flow.data,
        createdAt: fileTime(flow.data.createdAt),
        updatedAt: fileTime(flow.data.updatedAt),
      });
      return undefined;
    }
    if ((group === '' && this.format === undefined) || (group === 'memories' && index === 0)) return NEITHER;
    const parsed = this.schemas(group).header.safeParse(value);
    return parsed.success ? undefined : firstIssue(parsed.error);
  }

  /** The file has been read to its end without a syntax error: the first problem, or what the import needs. */
  result(): { problem: Problem } | { checked: CheckedImport } {
    if (this.root === undefined) return { problem: { kind: 'empty' } };
    if (this.root === 'value') return { problem: { kind: 'shape' } };
    const lateFields = this.lateFields;
    if (this.root === 'array') {
      const problem = this.problems.get('');
      if (problem) return { problem };
      const format = this.format ?? 'flowise';
      const flowId = this.options.flowId ?? DEFAULT_FLOW_ID;
      const flows =
        format === 'flowise' && this.records > 0
          ? [{ id: flowId, name: flowId, responder: ECHO, retentionDays: null }]
          : [];
      return { checked: { format, flows, lateFields } };
    }
    if ('format' in this.rootValues) {
      const header = MnemoHeader.safeParse({
        ...this.rootValues,
        flows: this.groups.has('flows') ? [] : this.rootValues.flows,
        sessions: this.groups.has('sessions') ? [] : this.rootValues.sessions,
      });
      if (!header.success) {
        const issue = firstIssue(header.error);
        return { problem: { kind: 'header', field: fieldOf(issue.path), message: issue.message } };
      }
      const problem = this.problems.get('flows') ?? this.problems.get('sessions');
      if (problem) return { problem };
      const flows = [...this.flows];
      const listed = new Set(flows.map((f) => f.id));
      for (const id of this.sessionFlows) {
        if (!listed.has(id)) flows.push({ id, name: id, responder: ECHO, retentionDays: null });
      }
      return { checked: { format: 'mnemo', flows, lateFields } };
    }
    if (this.groups.has('memories')) {
      const problem = this.problems.get('memories');
      if (problem) return { problem };
      return { checked: { format: 'sim', flows: [], lateFields } };
    }
    return { problem: { kind: 'shape' } };
  }
}

/** Pass 2: each message of a checked file, converted, to the sink. */
class ImportRead extends ImportWalk {
  private readonly simFlows = new Set<string>();

  constructor(
    private readonly checked: CheckedImport,
    private readonly options: ImportOptions,
    private readonly sink: ImportSink,
  ) {
    super();
    this.format = checked.format;
  }

  /** The array of records this format imports (a file may hold others; they were not checked). */
  private imports(group: Group): boolean {
    if (this.format === 'mnemo') return group === 'sessions';
    return group === '' || (this.format === 'sim' && group === 'memories');
  }

  protected startItems(record: RecordState): void {
    if (!this.imports(record.group)) return;
    // Read before its messages: the check has counted them (a Mnemo session holds at least one).
    const header = this.header(record, this.checked.lateFields.get(lateKey(record)) ?? record.fields, 1);
    if (!header.success) throw new Error(`record ${record.index} changed since it was checked`);
    if (record.group === 'sessions')
      this.mnemo(record, header.data as z.output<(typeof RecordHeaders)['mnemo']>);
    else if (record.group === '' && this.format === 'flowise') {
      this.flowise(record, header.data as z.output<(typeof RecordHeaders)['flowise']>);
    } else this.sim(record, header.data as z.output<(typeof RecordHeaders)['sim']>);
  }

  private mnemo(record: RecordState, session: z.output<(typeof RecordHeaders)['mnemo']>) {
    const key: ConversationKey = {
      flowId: session.flowId,
      sessionId: session.sessionId,
      title: session.titleCustom && session.title !== null ? session.title : undefined,
    };
    record.convert = (value) => {
      const m = MnemoMessage.parse(value);
      this.sink.message(key, {
        id: m.id,
        role: m.role,
        content: m.content,
        createdAt: fileTime(m.createdAt),
        chatId: m.chatId,
        chatType: m.chatType,
        metadata: m.metadata,
        importKey: m.importKey ?? null,
      });
    };
  }

  /**
   * Flowise's records carry no flow id (the file is named after the chatflow): they go to
   * `options.flowId`. `id` is Flowise's chatId; the session is its sessionId, else the chatId.
   */
  private flowise(record: RecordState, chat: z.output<(typeof RecordHeaders)['flowise']>) {
    const flowId = this.options.flowId ?? DEFAULT_FLOW_ID;
    const sessionId = chat.sessionId ?? chat.id;
    const chatType = chat.source === 'UI' ? 'INTERNAL' : 'EXTERNAL';
    const key: ConversationKey = { flowId, sessionId };
    // Identical messages at the same time are told apart by how many came before in the chat.
    const seen = new Map<string, number>();
    record.convert = (value) => {
      const { content, role, time, ...extra } = FlowiseExportMessage.parse(value);
      const what = ['flowise', flowId, sessionId, chat.id, role, content, time];
      const text = JSON.stringify(what);
      const seenKey = createHash('sha1').update(text).digest('base64');
      const occurrence = seen.get(seenKey) ?? 0;
      seen.set(seenKey, occurrence + 1);
      this.sink.message(key, {
        role: role === 'bot' ? 'assistant' : 'user',
        content,
        createdAt: fileTime(time),
        chatId: chat.id,
        chatType,
        metadata: Object.keys(extra).length > 0 ? extra : null,
        importKey: importKey([...what, occurrence]),
      });
    };
  }

  private sim(record: RecordState, memory: z.output<(typeof RecordHeaders)['sim']>) {
    const owner = simConversation(memory, this.options);
    if (owner.issue) throw new Error(`record ${record.index} changed since it was checked`);
    const { flowId, sessionId } = owner;
    if (!this.simFlows.has(flowId)) {
      this.simFlows.add(flowId);
      this.sink.flow({ id: flowId, name: memory.blockName ?? flowId, responder: ECHO, retentionDays: null });
    }
    const key: ConversationKey = { flowId, sessionId };
    record.convert = (value, position) => {
      const { role, content, ...extra } = SimMessage.parse(value);
      // Sim keeps no times: the messages take the import's time, in their order.
      this.sink.message(key, {
        role,
        content,
        createdAt: this.options.now,
        chatId: sessionId,
        chatType: 'EXTERNAL',
        metadata: Object.keys(extra).length > 0 ? extra : null,
        importKey: importKey(['sim', flowId, sessionId, role, content, position]),
      });
    };
  }

  protected item(record: RecordState, value: unknown, position: number): void {
    record.convert?.(value, position);
  }

  protected endRecord(): void {}
  protected wholeRecord(): void {}
}

const readerOptions = { maxValueBytes: IMPORT_MAX_VALUE_BYTES, errorIndex: syntaxErrorOffset };

/** Pass 1: feed it the file; `stopped` once the rest cannot change the answer (a syntax error). */
export function importChecker(options: ImportOptions) {
  const check = new ImportCheck(options);
  const reader = jsonReader(check, readerOptions);
  let problem: Problem | undefined;

  const stop = (error: unknown) => {
    if (error instanceof JsonSyntaxError) problem = { kind: 'syntax', offset: error.offset };
    else if (error instanceof JsonValueTooLarge) problem = check.tooLarge(error);
    else throw error;
  };

  return {
    get stopped() {
      return problem !== undefined;
    },
    push(chunk: Buffer): void {
      if (problem) return;
      try {
        reader.push(chunk);
      } catch (error) {
        stop(error);
      }
    },
    /** After the last chunk: what the import needs, or the 400 (413) that refuses the file, naming the line. */
    async finish(file: string): Promise<CheckedImport> {
      if (!problem) {
        try {
          reader.end();
        } catch (error) {
          stop(error);
        }
      }
      const outcome = problem
        ? { problem }
        : reader.empty
          ? { problem: { kind: 'empty' } as Problem }
          : check.result();
      if ('checked' in outcome) return outcome.checked;
      throw await refusal(outcome.problem, file);
    },
  };
}

/** Pass 2: feed it the same file again; each message goes to the sink as it is read. */
export function importReader(checked: CheckedImport, options: ImportOptions, sink: ImportSink) {
  return jsonReader(new ImportRead(checked, options, sink), readerOptions);
}
