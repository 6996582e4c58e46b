/**
 * Predictions (SPEC 4.1 and 5): which session a question belongs to, what the responder
 * remembers of it (the memory window), one turn at a time per session, and the question
 * and its answer stored together, in one transaction, only once the answer is complete.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../shared/contract';
import { isResponderErrorKind } from '../../shared/responder-error';
import type { ChatType } from '../../shared/schemas/common';
import type { ResponderConfig } from '../../shared/schemas/flows';
import type { PredictionBody } from '../../shared/schemas/prediction';
import { HttpError } from '../http/errors';
import type { MessageRecord, Store } from '../store';
import { readResponder } from './flows';
import type { ServiceContext } from './index';
import { type ChatTurn, createResponder, type Responder } from './responders';
import { stoppedError } from './responders/errors';
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
  /**
   * Given by the caller after the stored messages (an OpenAI-style request's earlier
   * messages): shown as sent, outside the memory window, never stored.
   */
  context?: ChatTurn[];
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
  /** A session's turns one at a time: in line in this process, then across the processes sharing the store (PostgreSQL). */
  const sessionTurn = <T>(flowId: string, sessionId: string, work: () => Promise<T>): Promise<T> =>
    lock.run(flowId, sessionId, () => store.exclusive(JSON.stringify(['turn', flowId, sessionId]), work));

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
    return [...applyWindow(memory, window), ...(turn.context ?? [])];
  }

  /**
   * Runs `work` registered as a running turn, so a stop button can abort it; a stopped
   * turn rejects with the stop's reason, whatever the responder threw.
   */
  async function asRunningTurn<T>(
    keys: { flowId: string; chatId: string; requestId?: string },
    callerSignal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const stop = new AbortController();
    const signal = callerSignal ? AbortSignal.any([callerSignal, stop.signal]) : stop.signal;
    const finished = running.start(keys, stop);
    try {
      return await work(signal);
    } catch (error) {
      if (stop.signal.aborted) throw stop.signal.reason;
      throw error;
    } finally {
      finished();
    }
  }

  /** One question and its answer; stored only when the answer is complete and the caller still there. */
  async function takeTurn(turn: Turn): Promise<TurnResult> {
    const { config, responder } = await flowResponder(turn.flowId);
    return asRunningTurn(
      { flowId: turn.flowId, chatId: turn.chatId, requestId: turn.requestId },
      turn.signal,
      (signal) => answerAndStore(turn, config, responder, signal),
    );
  }

  async function answerAndStore(
    turn: Turn,
    config: ResponderConfig,
    responder: Responder,
    signal: AbortSignal,
  ): Promise<TurnResult> {
    return sessionTurn(turn.flowId, turn.sessionId, async () => {
      signal.throwIfAborted();
      const startedAt = Date.now();
      const memory = await memoryOf(turn, windowOf(config));
      const text = await responder.answer({ memory, question: turn.question, signal, onToken: turn.onToken });
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
    });
  }

  /**
   * The conversation's last answer, its question and the memory that question had (the
   * messages before it, windowed); 404 without the conversation, 409 unless it ends in a
   * question and its answer.
   */
  async function lastTurn(flowId: string, sessionId: string, window: MemoryWindow) {
    if (!(await store.getConversation(flowId, sessionId))) {
      throw new HttpError(404, `no conversation "${sessionId}" in flow "${flowId}"`);
    }
    const [answer, question, ...before] = await store.listMessages(
      { flowId, sessionId },
      { order: 'DESC', limit: window.messages + 2 },
    );
    if (answer?.role !== 'assistant' || question?.role !== 'user') {
      throw new HttpError(
        409,
        'the last message is not an answer to a question: there is nothing to regenerate',
      );
    }
    const memory = applyWindow(
      before.reverse().map((m) => ({ role: m.role, content: m.content })),
      window,
    );
    return { question, answer, memory };
  }

  /** With a requestId, the answer streams to the window as answer.delta events. */
  const deltasOf = (requestId: string | undefined) =>
    requestId === undefined
      ? undefined
      : (text: string) => events.publish({ type: 'answer.delta', requestId, text });

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

    /**
     * An OpenAI-style chat: with a session, a turn of that session (its stored memory, then
     * the caller's messages, stored as a prediction stores them, chatType EXTERNAL); without
     * one, the flow's responder answers from the caller's messages alone and nothing is stored.
     */
    async chat(
      flowId: string,
      input: { sessionId?: string; context: ChatTurn[]; question: string },
      options: { signal: AbortSignal; onToken?: (text: string) => void },
    ): Promise<{ text: string; stored?: TurnResult }> {
      if (input.sessionId === undefined) {
        const { responder } = await flowResponder(flowId);
        const text = await responder.answer({ memory: input.context, question: input.question, ...options });
        return { text };
      }
      const stored = await takeTurn({
        flowId,
        sessionId: input.sessionId,
        chatId: input.sessionId,
        question: input.question,
        chatType: 'EXTERNAL',
        context: input.context,
        ...options,
      });
      return { text: stored.answer.content, stored };
    },

    /** The window's composer: chatType INTERNAL; with a requestId the answer streams as answer.delta events. */
    continueSession: (async ({ flowId, sessionId, content, requestId }) => {
      const onToken = deltasOf(requestId);
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

    /**
     * The last answer again, from the memory it had (the messages before its question):
     * the new answer replaces the old one in one transaction once complete; a failure or a
     * stop leaves the old one. Takes the session's turn lock.
     */
    regenerateAnswer: (async ({ flowId, sessionId, requestId }) => {
      const { config, responder } = await flowResponder(flowId);
      const onToken = deltasOf(requestId);
      // Registered under the sessionId, the chatId of every turn the window takes.
      return asRunningTurn({ flowId, chatId: sessionId, requestId }, undefined, (signal) =>
        sessionTurn(flowId, sessionId, async () => {
          signal.throwIfAborted();
          const { question, answer: old, memory } = await lastTurn(flowId, sessionId, windowOf(config));
          const text = await responder.answer({ memory, question: question.content, signal, onToken });
          signal.throwIfAborted();
          const answer = await store.replaceNewestMessage(flowId, sessionId, old.id, {
            role: 'assistant',
            content: text,
            chatType: old.chatType,
            chatId: old.chatId,
            createdAt: Date.now(),
          });
          if (!answer) {
            throw new HttpError(
              409,
              'the conversation changed while the answer was regenerated; the old answer was kept',
            );
          }
          events.publish({ type: 'session.changed', flowId, sessionId });
          return { answer: toApiMessage(answer), replacedId: old.id };
        }),
      );
    }) satisfies Handlers['regenerateAnswer'],

    /** The window's Stop: aborts the answer streaming under requestId; that turn stores nothing. */
    stopAnswer: (async ({ requestId }) => ({
      stopped: running.stopRequest(requestId, stoppedError()),
    })) satisfies Handlers['stopAnswer'],

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
        if (error instanceof HttpError) {
          const { errorKind } = error.extra;
          return {
            ok: false,
            message: error.message,
            latencyMs: latency(),
            ...(isResponderErrorKind(errorKind) ? { errorKind } : {}),
          };
        }
        throw error;
      }
    }) satisfies Handlers['testFlow'],
  };
}

export type PredictionService = ReturnType<typeof createPredictionService>;
