import { describe, expect, it } from 'vitest';
import { applyWindow, estimateTokens, resolveSession, windowOf } from '../../src/main/memory/prediction';
import type { ChatTurn } from '../../src/main/memory/responders';
import { echoAnswer } from '../../src/main/memory/responders/echo';
import { TurnLock } from '../../src/main/memory/turn-lock';

const turns = (...contents: string[]): ChatTurn[] =>
  contents.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content }));

describe('the memory window', () => {
  it('keeps the last N messages, oldest first', () => {
    expect(applyWindow(turns('a', 'b', 'c', 'd'), { messages: 3 }).map((t) => t.content)).toEqual([
      'b',
      'c',
      'd',
    ]);
    expect(applyWindow(turns('a', 'b'), { messages: 20 })).toHaveLength(2);
    expect(applyWindow(turns('a', 'b'), { messages: 0 })).toEqual([]);
  });

  it('a token budget (chars/4, rounded up) drops the oldest until the rest fits', () => {
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    const memory = turns('x'.repeat(40), 'y'.repeat(40), 'z'.repeat(40));
    expect(applyWindow(memory, { messages: 20, tokens: 20 }).map((t) => t.content[0])).toEqual(['y', 'z']);
    expect(applyWindow(memory, { messages: 20, tokens: 19 }).map((t) => t.content[0])).toEqual(['z']);
    // Both limits apply.
    expect(applyWindow(memory, { messages: 1, tokens: 1000 }).map((t) => t.content[0])).toEqual(['z']);
  });

  it('a newest message bigger than the whole budget leaves nothing (never a gap in the middle)', () => {
    const memory = turns('short', 'x'.repeat(400));
    expect(applyWindow(memory, { messages: 20, tokens: 50 })).toEqual([]);
  });

  it('echo remembers 20 messages; openai-compatible what the flow says', () => {
    expect(windowOf({ kind: 'echo' })).toEqual({ messages: 20 });
    expect(
      windowOf({
        kind: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:11434/v1',
        model: 'm',
        memoryMessages: 6,
        memoryTokens: 900,
        timeoutMs: 60_000,
      }),
    ).toEqual({ messages: 6, tokens: 900 });
  });
});

describe('session resolution', () => {
  it('overrideConfig.sessionId ?? chatId ?? a new UUID; chatId ?? sessionId', () => {
    expect(resolveSession({ overrideConfig: { sessionId: 's' }, chatId: 'c' })).toEqual({
      sessionId: 's',
      chatId: 'c',
    });
    expect(resolveSession({ overrideConfig: { sessionId: 's' } })).toEqual({ sessionId: 's', chatId: 's' });
    expect(resolveSession({ chatId: 'c' })).toEqual({ sessionId: 'c', chatId: 'c' });
    const fresh = resolveSession({});
    expect(fresh.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.chatId).toBe(fresh.sessionId);
    expect(resolveSession({}).sessionId).not.toBe(fresh.sessionId);
  });
});

describe('echo', () => {
  it('answers from the question and the memory it was given', () => {
    expect(echoAnswer({ question: 'hi', memory: [] })).toBe(
      'You said: "hi" (0 earlier messages in this session)',
    );
    expect(echoAnswer({ question: 'hi', memory: turns('first') })).toBe(
      'You said: "hi" (1 earlier message in this session) Before that you said: "first".',
    );
    expect(echoAnswer({ question: 'again', memory: turns('one', 'answer', 'two', 'answer') })).toContain(
      '(4 earlier messages in this session) Before that you said: "two".',
    );
  });

  it('cuts very long quotes so the answer stays small', () => {
    const answer = echoAnswer({ question: 'q'.repeat(1_000_000), memory: [] });
    expect(answer.length).toBeLessThan(2100);
    expect(answer).toContain('…"');
  });
});

describe('the turn lock', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('runs turns of one session one after another, in arrival order', async () => {
    const lock = new TurnLock();
    const log: string[] = [];
    const turn = (name: string) =>
      lock.run('f', 's', async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
      });
    await Promise.all([turn('a'), turn('b'), turn('c')]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(lock.size).toBe(0);
  });

  it('runs turns of different sessions (or flows) side by side', async () => {
    const lock = new TurnLock();
    const log: string[] = [];
    const turn = (flow: string, session: string) =>
      lock.run(flow, session, async () => {
        log.push(`${flow}/${session} start`);
        await tick();
        log.push(`${flow}/${session} end`);
      });
    await Promise.all([turn('f', 's1'), turn('f', 's2'), turn('g', 's1')]);
    expect(log.slice(0, 3).every((l) => l.endsWith('start'))).toBe(true);
  });

  it('a failing turn lets the next one run and passes its error on', async () => {
    const lock = new TurnLock();
    const failing = lock.run('f', 's', async () => {
      await tick();
      throw new Error('upstream down');
    });
    const next = lock.run('f', 's', async () => 'ran');
    await expect(failing).rejects.toThrow('upstream down');
    await expect(next).resolves.toBe('ran');
    expect(lock.size).toBe(0);
  });

  it('keys cannot collide through separators in ids', async () => {
    const lock = new TurnLock();
    const log: string[] = [];
    const turn = (flow: string, session: string) =>
      lock.run(flow, session, async () => {
        log.push('start');
        await tick();
        log.push('end');
      });
    await Promise.all([turn('a:b', 'c'), turn('a', 'b:c')]);
    expect(log).toEqual(['start', 'start', 'end', 'end']);
  });
});
