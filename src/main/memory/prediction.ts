/**
 * Predictions (SPEC 4.1 and 5): which session a question belongs to, what the responder
 * remembers of it (the memory window), one turn at a time per session, and the question
 * and its answer stored together, in one transaction, only once the answer is complete.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../shared/contract';
import type { ChatType } from '../../shared/schemas/common';
import type { ResponderConfig } from '../../shared/schemas/flows';
import type { PredictionBody } from '../../shared/schemas/prediction';
import { HttpError } from '../http/errors';
import type { MessageRecord, Store } from '../store';
import { readResponder } from './flows';
import type { ServiceContext } from './index';
import { type ChatTurn, createResponder, type Responder } from './responders';
import { RunningTurns } from './running-turns';
import { toApiMessage } from './sessions';
import { TurnLock } from './turn-lock';

/** The echo responder has no settings; it remembers as much as an openai-compatible flow does by default. */
const DEFAULT_MEMORY_MESSAGES = 20;

/** What a responder is shown of earlier messages: the last `messages`, within `tokens` if set. */
export interface MemoryWindow {
  messages: number;
  tokens?: number;
}

/** A rough token count (about four characters a token in English), good enough for a budget. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** The most recent messages that fit the window, oldest first. */
export function applyWindow(memory: ChatTurn[], window: MemoryWindow): ChatTurn[] {
  const recent = window.messages === 0 ? [] : memory.slice(-window.messages);
  if (window.tokens === undefined) return recent;
  let budget = window.tokens;
  let first = recent.length;
  while (first > 0) {
    const cost = estimateTokens((recent[first - 1] as ChatTurn).content);
    if (cost > budget) break;
    budget -= cost;
    first -= 1;
  }
  return recent.slice(first);
}

export function windowOf(config: ResponderConfig): MemoryWindow {
  if (config.kind === 'echo') return { messages: DEFAULT_MEMORY_MESSAGES };
  return { messages: config.memoryMessages, tokens: config.memoryTokens };
}

/** SPEC 4.1: overrideConfig.sessionId ?? chatId ?? a new UUID; chatId ?? sessionId. */
export function resolveSession(body: Pick<PredictionBody, 'overrideConfig' | 'chatId'>) {
  const sessionId = body.overrideConfig?.sessionId ?? body.chatId ?? randomUUID();
  return { sessionId, chatId: body.chatId ?? sessionId };
}

export interface Turn {
  flowId: string;
  sessionId: string;
  chatId: string;
  question: string;
  chatType: ChatType;
  /** Given by the caller (Flowise `history`): shown before the stored messages, never stored. */
  history?: ChatTurn[];
  /** The caller went away: stop, store nothing. */
  signal?: AbortSignal;
  /** The window's stream id, so its Stop button can find this turn. */
  requestId?: string;
  onToken?: (text: string) => void;
}

export interface TurnResult {
  question: MessageRecord;
  answer: MessageRecord;
}

// One lock per store, shared by every service built on it (the HTTP routes and the
// native handlers each build their own service from the same context).
const locks = new WeakMap<Store, TurnLock>();
const runningTurns = new WeakMap<Store, RunningTurns>();

/** The turns running on a store, for stop buttons (Flowise's abort route, the window's Stop). */
export function runningTurnsOf(store: Store): RunningTurns {
  let running = runningTurns.get(store);
  if (!running) {
    running = new RunningTurns();
    runningTurns.set(store, running);
  }
  return running;
}

function lockOf(store: Store): TurnLock {
  let lock = locks.get(store);
  if (!lock) {
    lock = new TurnLock();
    locks.set(store, lock);
  }
  return lock;
}

export function createPredictionService(context: ServiceContext) {
  const { store, events, secrets } = context;
  const lock = lockOf(store);
  const running = runningTurnsOf(store);

  async function flowResponder(flowId: string): Promise<{ config: ResponderConfig; responder: Responder }> {
    const flow = await store.getFlow(flowId);
    if (!flow) throw new HttpError(404, `flow "${flowId}" not found`);
    const config = readResponder(flow);
    let apiKey: string | undefined;
    if (config.kind === 'openai-compatible') {
      apiKey = (await secrets.get(flowId)) || (config.apiKeyEnv ? process.env[config.apiKeyEnv] : undefined);
    }
    return { config, responder: createResponder(config, apiKey || undefined) };
  }

  async function memoryOf(turn: Turn, window: MemoryWindow): Promise<ChatTurn[]> {
    const stored =
      window.messages === 0
        ? []
        : await store.listMessages(
            { flowId: turn.flowId, sessionId: turn.sessionId },
            { order: 'DESC', limit: window.messages },
          );
    const memory = [
      ...(turn.history ?? []),
      ...stored.reverse().map((m) => ({ role: m.role, content: m.content })),
    ];
    return applyWindow(memory, window);
  }

  /** One question and its answer; stored only when the answer is complete and the caller still there. */
  async function takeTurn(turn: Turn): Promise<TurnResult> {
    const { config, responder } = await flowResponder(turn.flowId);
    const stop = new AbortController();
    const signal = turn.signal ? AbortSignal.any([turn.signal, stop.signal]) : stop.signal;
    const finished = running.start(
      { flowId: turn.flowId, chatId: turn.chatId, requestId: turn.requestId },
      stop,
    );
    try {
      return await answerAndStore(turn, config, responder, signal);
    } finally {
      finished();
    }
  }

  async function answerAndStore(
    turn: Turn,
    config: ResponderConfig,
    responder: Responder,
    signal: AbortSignal,
  ): Promise<TurnResult> {
    // In line in this process first, then across processes sharing the store (PostgreSQL).
    const key = JSON.stringify(['turn', turn.flowId, turn.sessionId]);
    return lock.run(turn.flowId, turn.sessionId, () =>
      store.exclusive(key, async () => {
        signal.throwIfAborted();
        const startedAt = Date.now();
        const memory = await memoryOf(turn, windowOf(config));
        const text = await responder.answer({
          memory,
          question: turn.question,
          signal,
          onToken: turn.onToken,
        });
        signal.throwIfAborted();
        const { messages } = await store.appendMessages(turn.flowId, turn.sessionId, [
          {
            role: 'user',
            content: turn.question,
            chatType: turn.chatType,
            chatId: turn.chatId,
            createdAt: startedAt,
          },
          {
            role: 'assistant',
            content: text,
            chatType: turn.chatType,
            chatId: turn.chatId,
            createdAt: Math.max(Date.now(), startedAt),
          },
        ]);
        events.publish({ type: 'session.changed', flowId: turn.flowId, sessionId: turn.sessionId });
        const [question, answer] = messages as [MessageRecord, MessageRecord];
        return { question, answer };
      }),
    );
  }

  return {
    /** Whether the flow's responder can stream its answers. */
    async isStreaming(flowId: string): Promise<boolean> {
      return (await flowResponder(flowId)).responder.streaming;
    },

    /** A Flowise prediction: the session resolved from the body, chatType EXTERNAL. */
    async predict(
      flowId: string,
      body: PredictionBody,
      options: { signal?: AbortSignal; onToken?: (text: string) => void } = {},
    ) {
      const { sessionId, chatId } = resolveSession(body);
      const result = await takeTurn({
        flowId,
        sessionId,
        chatId,
        question: body.question,
        chatType: 'EXTERNAL',
        history: body.history,
        ...options,
      });
      return { sessionId, chatId, ...result };
    },

    /** The window's composer: chatType INTERNAL; with a requestId the answer streams as answer.delta events. */
    continueSession: (async ({ flowId, sessionId, content, requestId }) => {
      const onToken =
        requestId === undefined
          ? undefined
          : (text: string) => events.publish({ type: 'answer.delta', requestId, text });
      const { question, answer } = await takeTurn({
        flowId,
        sessionId,
        chatId: sessionId,
        question: content,
        chatType: 'INTERNAL',
        requestId,
        onToken,
      });
      return { question: toApiMessage(question), answer: toApiMessage(answer) };
    }) satisfies Handlers['continueSession'],

    /** Test connection: a tiny question to the flow's responder; nothing is stored. */
    testFlow: (async ({ flowId }) => {
      const { responder } = await flowResponder(flowId);
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      try {
        const text = await responder.answer({
          memory: [],
          question: 'This is a connection test. Reply with the single word OK.',
          signal: new AbortController().signal,
        });
        const shown = text.length > 200 ? `${text.slice(0, 199)}…` : text;
        return { ok: true, message: `answered: ${shown}`, latencyMs: latency() };
      } catch (error) {
        if (error instanceof HttpError) return { ok: false, message: error.message, latencyMs: latency() };
        throw error;
      }
    }) satisfies Handlers['testFlow'],
  };
}

export type PredictionService = ReturnType<typeof createPredictionService>;
