/**
 * Every answer a test server gives, checked against the OpenAPI document it serves: the
 * status must be documented for the operation (or a default), the content type must be
 * one the operation names, and a JSON body must match its schema. The test server helper
 * records from the Node server itself (streams and hook answers included) and checks on
 * close, so every API test checks the document against what the server really did.
 */
import type http from 'node:http';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

interface Answer {
  method: string;
  target: string;
  status: number;
  contentType: string;
  body: string;
  /** Only the first 4 MiB were kept (the bounded-answer tests send far more): the body is not checked. */
  cut: boolean;
}

/** Starts recording the answers of a server; returns what has been recorded so far. */
export function recordAnswers(server: http.Server): Answer[] {
  const answers: Answer[] = [];
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    let cut = false;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      if (chunks.reduce((n, c) => n + c.length, 0) > 4 * 1024 * 1024) {
        cut = true;
        return;
      }
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(
              chunk as string,
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            ),
      );
    };
    let headContentType: string | undefined;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      const headers = args.find((a) => typeof a === 'object' && a !== null) as
        | Record<string, unknown>
        | undefined;
      for (const [name, value] of Object.entries(headers ?? {})) {
        if (name.toLowerCase() === 'content-type') headContentType = String(value);
      }
      return writeHead(...args);
    }) as typeof res.writeHead;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.write = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return write(...args);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return end(...args);
    }) as typeof res.end;
    res.on('finish', () => {
      answers.push({
        method: req.method ?? 'GET',
        target: req.url ?? '',
        status: res.statusCode,
        contentType: headContentType ?? String(res.getHeader('content-type') ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
        cut,
      });
    });
  });
  return answers;
}

type Json = Record<string, unknown>;

const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

interface Checker {
  ajv: Ajv;
  paths: { template: string; item: Json; pattern: RegExp }[];
}

/** Compiled once per document: Ajv's compile of the response schemas is most of a check's time. */
const checkers = new WeakMap<Json, Checker>();

function checkerFor(document: Json): Checker {
  const known = checkers.get(document);
  if (known) return known;
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: false });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  // As the router chooses: a fixed segment wins over a parameter (/api/memory/all before /api/memory/{key}).
  const parameters = (template: string) => template.split('{').length;
  const paths = Object.entries(document.paths as Record<string, Json>)
    .map(([template, item]) => ({
      template,
      item,
      pattern: new RegExp(`^${template.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => parameters(a.template) - parameters(b.template));
  const checker = { ajv, paths };
  checkers.set(document, checker);
  return checker;
}

/** The problems found: one line each (empty when every answer matches the document). */
export function checkAnswers(document: Json, answers: Answer[]): string[] {
  const { ajv, paths } = checkerFor(document);
  const problems: string[] = [];
  for (const answer of answers) {
    const path = answer.target.split('?')[0] ?? '';
    if (!path.startsWith('/')) continue;
    const method = answer.method.toLowerCase();
    const found = paths.find((p) => p.pattern.test(path) && p.item[method]);
    // Not an operation (no route, 404/405, the web page's files, the document itself).
    if (!found) continue;
    const operation = found.item[method] as Json;
    const responses = operation.responses as Record<string, Json>;
    const status = String(answer.status);
    const key = [status, `${status[0]}XX`, 'default'].find((k) => responses[k]);
    const where = `${answer.method} ${path} -> ${status}`;
    if (!key) {
      problems.push(`${where}: status not documented`);
      continue;
    }
    const content = responses[key]?.content as Record<string, Json> | undefined;
    if (answer.body === '' || answer.status === 204) continue;
    const mediaType = answer.contentType.split(';')[0]?.trim() ?? '';
    if (!content?.[mediaType]) {
      problems.push(
        `${where}: content type "${mediaType}" not documented (${Object.keys(content ?? {}).join(', ')})`,
      );
      continue;
    }
    if (mediaType !== 'application/json' || answer.cut) continue;
    const ref = `openapi.json#/${pointer('paths', found.template, method, 'responses', key, 'content', mediaType, 'schema')}`;
    const validate = ajv.getSchema(ref);
    if (!validate) {
      problems.push(`${where}: no schema at ${ref}`);
      continue;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      problems.push(`${where}: body is not JSON`);
      continue;
    }
    if (!validate(body)) {
      const error = validate.errors?.[0];
      problems.push(`${where}: body does not match: ${error?.instancePath || '/'} ${error?.message}`);
    }
  }
  return [...new Set(problems)];
}
