import { describe, expect, it } from 'vitest';
import { RunningTurns } from '../../src/main/memory/running-turns';

describe('running turns (what a stop button can reach)', () => {
  it('stops the turns of one chat, and only those', () => {
    const turns = new RunningTurns();
    const a = new AbortController();
    const b = new AbortController();
    const other = new AbortController();
    turns.start({ flowId: 'f', chatId: 'c' }, a);
    turns.start({ flowId: 'f', chatId: 'c' }, b);
    turns.start({ flowId: 'f', chatId: 'd' }, other);
    expect(turns.stopChat('f', 'c', 'stopped')).toBe(2);
    expect([a.signal.aborted, b.signal.aborted, other.signal.aborted]).toEqual([true, true, false]);
    expect(a.signal.reason).toBe('stopped');
    expect(turns.stopChat('g', 'c', 'stopped')).toBe(0);
  });

  it('stops a turn by its request id, and forgets a finished turn', () => {
    const turns = new RunningTurns();
    const a = new AbortController();
    const finished = turns.start({ flowId: 'f', chatId: 'c', requestId: 'r1' }, a);
    expect(turns.size).toBe(1);
    finished();
    expect(turns.size).toBe(0);
    expect(turns.stopRequest('r1', 'stopped')).toBe(false);
    expect(a.signal.aborted).toBe(false);

    const b = new AbortController();
    turns.start({ flowId: 'f', chatId: 'c', requestId: 'r2' }, b);
    expect(turns.stopRequest('r2', 'stopped')).toBe(true);
    expect(b.signal.aborted).toBe(true);
  });
});
