/**
 * The one contract of Mnemo's native operations: each entry names an HTTP route and
 * the zod schemas of its path params, query, body and answer. From this table come
 * the Fastify routes (validation + OpenAPI), the IPC handlers, the preload bridge and
 * the renderer's api client: adding an operation means adding it here once and giving
 * it a handler in src/main/memory.
 */
import { z } from 'zod';
import { ApiKeyInfo, Health, ServerInfo } from './schemas/health';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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

export const IPC_PREFIX = 'mnemo:';
export const ipcChannel = (name: OperationName) => `${IPC_PREFIX}${name}`;

/** Where an operation's input goes over HTTP: path params fill the path, GET/DELETE put the rest in the query. */
export function httpRequestOf(
  name: OperationName,
  input: Record<string, unknown>,
): { method: HttpMethod; url: string; body?: unknown } {
  const o: Operation = operations[name];
  const rest: Record<string, unknown> = { ...input };
  const url = o.path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = rest[key];
    delete rest[key];
    return encodeURIComponent(String(value));
  });
  const queryKeys = Object.keys(o.query.shape);
  const query = new URLSearchParams();
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (queryKeys.includes(key)) query.set(key, String(value));
    else body[key] = value;
  }
  const qs = query.toString();
  const hasBody = o.method !== 'GET' && o.method !== 'DELETE';
  return { method: o.method, url: qs ? `${url}?${qs}` : url, body: hasBody ? body : undefined };
}

/** What crosses IPC: errors travel as data so the renderer sees the status and message. */
export type IpcResult<T = unknown> = { ok: true; value: T } | { ok: false; status: number; message: string };

/** The error every transport throws for a refused or failed call. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What the preload exposes as `window.mnemo`: results as data (errors lose their class crossing the bridge). */
export type MnemoBridge = { [N in OperationName]: (input: Input<N>) => Promise<IpcResult<Output<N>>> };
