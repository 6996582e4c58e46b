import { describe, expect, it } from 'vitest';
import { MessageContent, parseQueryDate, SessionId } from '../../src/shared/schemas/common';
import { FlowName } from '../../src/shared/schemas/flows';
import { RenameBody } from '../../src/shared/schemas/sessions';
import { MAX_EXTRA_DEPTH, MemoryAddBody } from '../../src/shared/schemas/sim';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('strings that are stored: lone surrogates are refused, everything else is kept', () => {
  const lone = ['\ud800', 'a\udc00b', 'end\udbff', '\udfff\ud800'];
  const fine = ['😀 paired surrogates', 'NUL \u0000 in content', '中文', '\ufffd', 'e\u0301'];

  it('refuses lone surrogates in session ids, message content, flow names and titles, naming why', () => {
    for (const s of lone) {
      for (const [name, result] of [
        ['SessionId', SessionId.safeParse(s)],
        ['MessageContent', MessageContent.safeParse(s)],
        ['FlowName', FlowName.safeParse(s)],
        ['RenameBody', RenameBody.safeParse({ title: s })],
      ] as const) {
        expect({ name, s, success: result.success }).toEqual({ name, s, success: false });
        expect(result.error?.issues.map((i) => i.message).join()).toMatch(/surrogate/);
      }
    }
  });

  it('keeps well-formed text, paired surrogates and (in content) NUL', () => {
    for (const s of fine) {
      expect(MessageContent.parse(s)).toBe(s);
      expect(FlowName.parse(s)).toBe(s.trim());
    }
    expect(SessionId.parse('😀')).toBe('😀');
  });
});

describe('Sim extra keys', () => {
  const body = { conversationId: 'c', role: 'user', content: 'x' };

  it(`keeps values nested up to ${MAX_EXTRA_DEPTH} levels`, () => {
    expect(MemoryAddBody.parse({ ...body, extra: nested(MAX_EXTRA_DEPTH) })).toMatchObject({
      extra: expect.any(Array),
    });
  });

  it('refuses deeper values with an error naming the key (serializing them would exhaust the stack)', () => {
    for (const depth of [MAX_EXTRA_DEPTH + 1, 100_000]) {
      const result = MemoryAddBody.safeParse({ ...body, extra: nested(depth) });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({
        path: ['extra'],
        message: expect.stringContaining('deeper'),
      });
    }
  });
});

describe('bare query dates', () => {
  it('reads years 0000-0099 as themselves (not as 1900-1999)', () => {
    expect(parseQueryDate('0000-01-01', 'start')).toBe(Date.parse('0000-01-01T00:00:00.000Z'));
    expect(parseQueryDate('0099-12-31', 'end')).toBe(Date.parse('0099-12-31T23:59:59.999Z'));
  });

  it('still refuses days that do not exist, and covers a whole day at the end of a range', () => {
    expect(parseQueryDate('2026-02-30', 'start')).toBeUndefined();
    expect(parseQueryDate('2026-13-01', 'start')).toBeUndefined();
    expect(parseQueryDate('2024-02-29', 'end')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
  });
});
