/**
 * Responders answer a prediction (SPEC section 5). Each gets the memory the prediction
 * service chose (the request's history, then the session's stored window) and the
 * question; with `onToken` it streams the answer piece by piece as well as returning it.
 * Upstream failures are raised as HttpError 502/504; an aborted signal rejects with its
 * reason and nothing else.
 */
import type { ResponderConfig } from '../../../shared/schemas/flows';
import { echoResponder } from './echo';
import { openAiCompatibleResponder } from './openai-compatible';

export interface ChatTurn {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

export interface ResponderInput {
  /** Earlier messages, oldest first. */
  memory: ChatTurn[];
  question: string;
  /** Aborts the answer (the client went away). */
  signal: AbortSignal;
  /** When given, the answer is streamed: called with each piece as it arrives. */
  onToken?: (text: string) => void;
}

export interface Responder {
  /** Whether it can stream (Flowise's chatflows-streaming answer). */
  readonly streaming: boolean;
  /** The whole answer, never empty. */
  answer(input: ResponderInput): Promise<string>;
}

export function createResponder(config: ResponderConfig, apiKey: string | undefined): Responder {
  switch (config.kind) {
    case 'echo':
      return echoResponder();
    case 'openai-compatible':
      return openAiCompatibleResponder(config, apiKey);
  }
}
