import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ResponderErrorKind } from '../../../shared/responder-error';
import type { ResponderConfig } from '../../../shared/schemas/flows';
import type { HttpError } from '../../http/errors';
import { responderError } from './errors';
import type { Responder, ResponderInput } from './index';

type OpenAiConfig = Extract<ResponderConfig, { kind: 'openai-compatible' }>;

/** Upstream error text is passed on, cut: a proxy's HTML error page is no message. */
const DETAIL_LIMIT = 300;

type Sdk = typeof import('openai');
/** The client is loaded by the first call upstream, not at start (about 100 ms most runs never need); import() keeps it. */
const loadSdk = (): Promise<Sdk> => import('openai');

async function clientFor(baseUrl: string, apiKey: string | undefined, timeout: number): Promise<OpenAI> {
  const { default: OpenAI } = await loadSdk();
  return new OpenAI({
    baseURL: baseUrl,
    // The client insists on a key; local servers need none, so then the header is dropped.
    apiKey: apiKey ?? 'none',
    defaultHeaders: apiKey ? undefined : { Authorization: null },
    // Explicit, so the client reads no OPENAI_* variables from the environment.
    adminAPIKey: null,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout,
  });
}

/**
 * Any server that speaks OpenAI's chat-completions API (OpenAI, Ollama, LM Studio,
 * llama.cpp, vLLM), through the `openai` client. No retries: a failure is reported at
 * once as 502 (or 504 past `timeoutMs`, which bounds the whole answer, streamed or not).
 */
export function openAiCompatibleResponder(config: OpenAiConfig, apiKey: string | undefined): Responder {
  const messagesFor = ({ memory, question }: ResponderInput): ChatCompletionMessageParam[] => [
    ...(config.systemPrompt ? [{ role: 'system' as const, content: config.systemPrompt }] : []),
    ...memory.map((m) => ({ role: m.role, content: m.content })),
    { role: 'user', content: question },
  ];

  return {
    streaming: true,
    async answer(input) {
      const deadline = AbortSignal.timeout(config.timeoutMs);
      const signal = AbortSignal.any([input.signal, deadline]);
      const request = {
        model: config.model,
        messages: messagesFor(input),
        temperature: config.temperature,
      };
      let text = '';
      try {
        const client = await clientFor(config.baseUrl, apiKey, config.timeoutMs);
        if (input.onToken) {
          const stream = await client.chat.completions.create({ ...request, stream: true }, { signal });
          for await (const chunk of stream) {
            const piece = chunk.choices[0]?.delta?.content;
            if (piece) {
              text += piece;
              input.onToken(piece);
            }
          }
        } else {
          const completion = await client.chat.completions.create(request, { signal });
          text = completion.choices[0]?.message?.content ?? '';
        }
      } catch (error) {
        if (input.signal.aborted) throw input.signal.reason;
        throw upstreamError(error, config, deadline.aborted, await loadSdk());
      }
      if (text === '')
        throw responderError(
          502,
          'upstream',
          `${config.baseUrl} (model ${config.model}) answered with no text`,
        );
      return text;
    },
  };
}

function upstreamError(
  error: unknown,
  config: Pick<OpenAiConfig, 'baseUrl' | 'timeoutMs'>,
  timedOut: boolean,
  { APIConnectionError, APIConnectionTimeoutError, APIError }: Sdk,
): HttpError {
  const where = config.baseUrl;
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    return responderError(
      504,
      'timeout',
      `${where} did not answer within ${config.timeoutMs} ms (the flow's timeoutMs)`,
    );
  }
  if (error instanceof APIConnectionError) {
    return responderError(502, 'unreachable', `could not reach ${where}: ${rootCause(error)}`);
  }
  if (error instanceof APIError && error.status !== undefined) {
    return responderError(
      502,
      kindOfStatus(error.status),
      `${where} answered HTTP ${error.status}: ${detail(error.message.replace(/^\d{3} /, ''))}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return responderError(502, 'upstream', `${where} failed: ${detail(message)}`);
}

function kindOfStatus(status: number): ResponderErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'model-not-found';
  return 'upstream';
}

/** How long listing a server's models may take. */
const LIST_MODELS_TIMEOUT_MS = 10_000;

/** The models an OpenAI-compatible server lists (GET /models), sorted by id. */
export async function listServerModels(baseUrl: string, apiKey: string | undefined): Promise<string[]> {
  const deadline = AbortSignal.timeout(LIST_MODELS_TIMEOUT_MS);
  try {
    const client = await clientFor(baseUrl, apiKey, LIST_MODELS_TIMEOUT_MS);
    const ids: string[] = [];
    for await (const model of client.models.list({ signal: deadline })) ids.push(model.id);
    return ids.sort((a, b) => a.localeCompare(b));
  } catch (error) {
    throw upstreamError(
      error,
      { baseUrl, timeoutMs: LIST_MODELS_TIMEOUT_MS },
      deadline.aborted,
      await loadSdk(),
    );
  }
}

/** fetch wraps the socket error (ECONNREFUSED, ENOTFOUND...) a few causes deep. */
function rootCause(error: Error): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : error.message;
}

function detail(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= DETAIL_LIMIT ? flat : `${flat.slice(0, DETAIL_LIMIT - 1)}…`;
}
