/**
 * The one contract of Mnemo's native operations: each entry names an HTTP route and
 * the zod schemas of its path params, query, body and answer. From this table come
 * the Fastify routes (validation + OpenAPI), the IPC handlers, the preload bridge and
 * the renderer's api client: adding an operation means adding it here once and giving
 * it a handler in src/main/memory.
 */
import { z } from 'zod';
import type { HttpMethod, HttpRoute } from './http-request';
import type { ResponderErrorKind } from './responder-error';
import type { MnemoEvent } from './schemas/events';
import {
  CreateFlowBody,
  DeleteFlowQuery,
  Flow,
  FlowKey,
  FlowList,
  ListModelsBody,
  ModelList,
  Settings,
  TestFlowResult,
  UpdateFlowBody,
} from './schemas/flows';
import { ApiKeyInfo, Health, ServerInfo } from './schemas/health';
import {
  BulkDeleteBody,
  BulkDeleteResult,
  ContinueBody,
  ContinueResult,
  Count,
  DeleteSessionQuery,
  MatchPositions,
  MatchPositionsQuery,
  PurgeTrashQuery,
  RegenerateBody,
  RegenerateResult,
  RenameBody,
  RestoreMatchingBody,
  RestoreMatchingResult,
  SearchQuery,
  SearchResult,
  SessionCount,
  SessionDetail,
  SessionDetailQuery,
  SessionFilter,
  SessionKey,
  SessionList,
  SessionListQuery,
  SessionSummary,
  StopAnswerBody,
  StopAnswerResult,
  TrashIds,
  TrashList,
  TrashListQuery,
} from './schemas/sessions';
import { ExportToFileInput, ExportToFileResult, ImportContentInput, ImportResult } from './schemas/transfer';

type Shape = z.ZodRawShape;

export interface Operation<
  P extends Shape = Shape,
  Q extends Shape = Shape,
  B extends Shape = Shape,
  O extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Fastify-style path, e.g. /api/v1/sessions/:flowId/:sessionId */
  path: string;
  summary: string;
  params: z.ZodObject<P>;
  query: z.ZodObject<Q>;
  body: z.ZodObject<B>;
  output: O;
}

type Empty = Record<never, never>;
const none = z.object({});

function op<
  P extends Shape = Empty,
  Q extends Shape = Empty,
  B extends Shape = Empty,
  O extends z.ZodType = z.ZodType,
>(def: {
  method: HttpMethod;
  path: string;
  summary: string;
  params?: z.ZodObject<P>;
  query?: z.ZodObject<Q>;
  body?: z.ZodObject<B>;
  output: O;
}): Operation<P, Q, B, O> {
  return {
    ...def,
    params: def.params ?? (none as unknown as z.ZodObject<P>),
    query: def.query ?? (none as unknown as z.ZodObject<Q>),
    body: def.body ?? (none as unknown as z.ZodObject<B>),
  };
}

export const operations = {
  health: op({
    method: 'GET',
    path: '/api/v1/health',
    summary: 'Liveness, version and schema version (no key needed)',
    output: Health,
  }),
  serverInfo: op({
    method: 'GET',
    path: '/api/v1/server',
    summary: 'Where the API listens and where the data lives',
    output: ServerInfo,
  }),
  getApiKey: op({
    method: 'GET',
    path: '/api/v1/settings/api-key',
    summary: 'The API key scripts use (for Settings: show and copy)',
    output: ApiKeyInfo,
  }),
  regenerateApiKey: op({
    method: 'POST',
    path: '/api/v1/settings/api-key',
    summary: 'Replace the API key with a new random one; the old one stops working at once',
    body: z.object({}),
    output: ApiKeyInfo,
  }),
  getSettings: op({
    method: 'GET',
    path: '/api/v1/settings',
    summary: 'Settings kept in the database (CORS allowlist)',
    output: Settings,
  }),
  updateSettings: op({
    method: 'PUT',
    path: '/api/v1/settings',
    summary: 'Replace the settings kept in the database',
    body: Settings,
    output: Settings,
  }),

  listFlows: op({
    method: 'GET',
    path: '/api/v1/flows',
    summary: 'Every flow with its live session count ("default" first)',
    output: FlowList,
  }),
  createFlow: op({
    method: 'POST',
    path: '/api/v1/flows',
    summary: 'Create a flow and its responder',
    body: CreateFlowBody,
    output: Flow,
  }),
  updateFlow: op({
    method: 'PATCH',
    path: '/api/v1/flows/:flowId',
    summary: 'Rename a flow or change its responder / provider key',
    params: FlowKey,
    body: UpdateFlowBody,
    output: Flow,
  }),
  deleteFlow: op({
    method: 'DELETE',
    path: '/api/v1/flows/:flowId',
    summary: 'Delete a flow and all its conversations (needs ?confirm=true; not "default")',
    params: FlowKey,
    query: DeleteFlowQuery,
    output: Count,
  }),
  testFlow: op({
    method: 'POST',
    path: '/api/v1/flows/:flowId/test',
    summary: "Check that the flow's responder answers (test connection)",
    params: FlowKey,
    output: TestFlowResult,
  }),

  listSessions: op({
    method: 'GET',
    path: '/api/v1/sessions',
    summary: 'Conversations matching a filter, keyset-paged',
    query: SessionListQuery,
    output: SessionList,
  }),
  countSessions: op({
    method: 'GET',
    path: '/api/v1/sessions/count',
    summary: 'How many conversations match a filter, counted exactly (for a bulk delete)',
    query: SessionFilter,
    output: SessionCount,
  }),
  getSession: op({
    method: 'GET',
    path: '/api/v1/sessions/:flowId/:sessionId',
    summary: 'One conversation with its messages, paged: oldest first, or newest first with sort=DESC',
    params: SessionKey,
    query: SessionDetailQuery,
    output: SessionDetail,
  }),
  renameSession: op({
    method: 'PATCH',
    path: '/api/v1/sessions/:flowId/:sessionId',
    summary: 'Rename a conversation',
    params: SessionKey,
    body: RenameBody,
    output: SessionSummary,
  }),
  deleteSession: op({
    method: 'DELETE',
    path: '/api/v1/sessions/:flowId/:sessionId',
    summary: 'Move a conversation to the trash (?hard=true deletes it for good)',
    params: SessionKey,
    query: DeleteSessionQuery,
    output: Count,
  }),
  deleteSessions: op({
    method: 'POST',
    path: '/api/v1/sessions/delete',
    summary: 'Move every conversation matching a filter to the trash; 409 unless expectedCount matches',
    body: BulkDeleteBody,
    output: BulkDeleteResult,
  }),
  continueSession: op({
    method: 'POST',
    path: '/api/v1/sessions/:flowId/:sessionId/messages',
    summary: "Add a person's message and the flow responder's answer (chatType INTERNAL)",
    params: SessionKey,
    body: ContinueBody,
    output: ContinueResult,
  }),

  listTrash: op({
    method: 'GET',
    path: '/api/v1/trash',
    summary: 'Conversations in the trash (all, or one flow), most recently trashed first',
    query: TrashListQuery,
    output: TrashList,
  }),
  restoreTrash: op({
    method: 'POST',
    path: '/api/v1/trash/restore',
    summary: 'Restore conversations from the trash (merging into a live one with the same key)',
    body: TrashIds,
    output: Count,
  }),
  restoreTrashMatching: op({
    method: 'POST',
    path: '/api/v1/trash/restore-matching',
    summary:
      'Restore at once the conversations of one bulk delete (batch), of one flow, or the whole trash; limit restores them in steps',
    body: RestoreMatchingBody,
    output: RestoreMatchingResult,
  }),
  purgeTrash: op({
    method: 'DELETE',
    path: '/api/v1/trash',
    summary: 'Delete conversations in the trash for good (all, or ?ids=1,2)',
    query: PurgeTrashQuery,
    output: Count,
  }),

  search: op({
    method: 'GET',
    path: '/api/v1/search',
    summary: 'Full-text search over messages, with highlighted snippets',
    query: SearchQuery,
    output: SearchResult,
  }),

  regenerateAnswer: op({
    method: 'POST',
    path: '/api/v1/sessions/:flowId/:sessionId/regenerate',
    summary:
      'Ask the responder again for the last answer, with the memory it had; the new answer replaces the old one once complete (409 if the last message is not an answer)',
    params: SessionKey,
    body: RegenerateBody,
    output: RegenerateResult,
  }),
  stopAnswer: op({
    method: 'POST',
    path: '/api/v1/answers/stop',
    summary: 'Stop the answer streaming under a requestId (continue or regenerate); it stores nothing',
    body: StopAnswerBody,
    output: StopAnswerResult,
  }),
  listModels: op({
    method: 'POST',
    path: '/api/v1/models',
    summary: 'The models an OpenAI-compatible server lists (GET /models), for the flow form',
    body: ListModelsBody,
    output: ModelList,
  }),
  sessionMatches: op({
    method: 'GET',
    path: '/api/v1/sessions/:flowId/:sessionId/matches',
    summary: 'Which messages of one conversation match a search text, and where they are (to jump to them)',
    params: SessionKey,
    query: MatchPositionsQuery,
    output: MatchPositions,
  }),
} satisfies Record<string, Operation>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export const operationNames = Object.keys(operations) as OperationName[];

type OpOf<N extends OperationName> = Operations[N];
/** What a caller passes: path params, query and body merged into one object. */
export type Input<N extends OperationName> = z.input<OpOf<N>['params']> &
  z.input<OpOf<N>['query']> &
  z.input<OpOf<N>['body']>;
/** What a handler receives after validation (defaults applied, strings coerced). */
export type ParsedInput<N extends OperationName> = z.output<OpOf<N>['params']> &
  z.output<OpOf<N>['query']> &
  z.output<OpOf<N>['body']>;
export type Output<N extends OperationName> = z.output<OpOf<N>['output']>;

/** One schema for the whole input, as IPC receives it. */
export function inputSchema(name: OperationName): z.ZodObject {
  const o: Operation = operations[name];
  return z.object({ ...o.params.shape, ...o.query.shape, ...o.body.shape });
}

/** The api every transport offers the renderer: one async method per operation. */
export type MnemoApi = { [N in OperationName]: (input: Input<N>) => Promise<Output<N>> };

/** The server side: one handler per operation. */
export type Handlers = { [N in OperationName]: (input: ParsedInput<N>) => Promise<Output<N>> };

/**
 * What only the desktop window asks of its main process (IPC, no HTTP route): a save
 * dialog and a file. The web page does the same over HTTP (GET /api/v1/export, POST
 * /api/v1/import). Validated and sender-checked like every IPC operation.
 */
export const desktopOperations = {
  exportToFile: {
    summary: 'Ask where to save, then stream an export (the session filter, or one session) into that file',
    input: ExportToFileInput,
    output: ExportToFileResult,
  },
  importContent: {
    summary: 'Import the text of a file the person picked or dropped',
    input: ImportContentInput,
    output: ImportResult,
  },
} satisfies Record<string, { summary: string; input: z.ZodObject; output: z.ZodType }>;

export type DesktopOperations = typeof desktopOperations;
export type DesktopOperationName = keyof DesktopOperations;
export const desktopOperationNames = Object.keys(desktopOperations) as DesktopOperationName[];
export type DesktopApi = {
  [N in DesktopOperationName]: (
    input: z.input<DesktopOperations[N]['input']>,
  ) => Promise<z.output<DesktopOperations[N]['output']>>;
};
export type DesktopHandlers = {
  [N in DesktopOperationName]: (
    input: z.output<DesktopOperations[N]['input']>,
  ) => Promise<z.output<DesktopOperations[N]['output']>>;
};

export const IPC_PREFIX = 'mnemo:';
export const ipcChannel = (name: OperationName | DesktopOperationName) => `${IPC_PREFIX}${name}`;

/** Each operation's method, path and query keys as plain data: the web page's requests are built from this at build time (electron.vite.config.ts), so its first script needs no zod. */
export function httpRoutes(): Record<OperationName, HttpRoute> {
  const routes = {} as Record<OperationName, HttpRoute>;
  for (const name of operationNames) {
    const o: Operation = operations[name];
    routes[name] = { method: o.method, path: o.path, query: Object.keys(o.query.shape) };
  }
  return routes;
}

/** What crosses IPC: errors travel as data so the renderer sees the status and message. */
export type IpcResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; status: number; message: string; errorKind?: ResponderErrorKind };

export { ApiError } from './api-error';

/** What the preload exposes as `window.mnemo`: results as data (errors lose their class crossing the bridge). */
export type MnemoBridge = { [N in OperationName]: (input: Input<N>) => Promise<IpcResult<Output<N>>> } & {
  [N in DesktopOperationName]: (
    input: z.input<DesktopOperations[N]['input']>,
  ) => Promise<IpcResult<z.output<DesktopOperations[N]['output']>>>;
} & {
  /** Every event of the main process's bus (the IPC twin of GET /api/v1/events); returns the unsubscribe. */
  onEvent(listener: (event: MnemoEvent) => void): () => void;
};
