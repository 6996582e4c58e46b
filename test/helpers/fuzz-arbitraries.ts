/**
 * fast-check generators of hostile input: unicode of every kind (lone surrogates, NUL,
 * bidi and zero-width marks), huge and empty strings, odd dates and numbers, FTS5 and
 * SQL syntax, path traversal, and per field name a mix of plausible and broken values.
 */
import fc from 'fast-check';

export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Characters with a history of breaking parsers, queries and paths. */
export const SPECIAL_CHARS = [
  '\u0000',
  '\u0007',
  '\u007f',
  '"',
  "'",
  '`',
  '\\',
  '/',
  '%',
  '*',
  '^',
  ':',
  '(',
  ')',
  '-',
  '+',
  '{',
  '}',
  '[',
  ']',
  '&',
  '=',
  '?',
  '#',
  ';',
  '.',
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u200b',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\ufffd',
  '😀',
  '中',
  'e\u0301',
];

/** Whole strings that mean something to SQL, FTS5, URLs, JSON or dates. */
export const SPECIAL_STRINGS = [
  '',
  ' ',
  '   ',
  '.',
  '..',
  '../..',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e',
  '%2e%2e%2f',
  '..\\..\\windows',
  '/etc/passwd',
  '%00',
  '%',
  '%FF',
  "'; DROP TABLE messages; --",
  "' OR '1'='1",
  '" OR ""="',
  '1; SELECT * FROM settings',
  '*',
  '"',
  '""',
  '"""',
  'NEAR(a b)',
  'NEAR(a b, 2)',
  'a AND b',
  'a OR b',
  'NOT a',
  'a NOT',
  '-a',
  '^a',
  'a*',
  'content:a',
  '{content}: a',
  '(a',
  'a)',
  'AND',
  'OR',
  'NOT',
  'NEAR',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  '0x10',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'default',
  'ASC',
  'desc',
  'INTERNAL',
  '["EXTERNAL","INTERNAL"]',
  '[]',
];

const specialChar = fc.constantFrom(...SPECIAL_CHARS);
const unitChar = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: specialChar },
  { weight: 1, arbitrary: loneSurrogate },
);

/** Any string a client could send, short or (rarely) long enough to overflow a request line. */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 24, arbitrary: fc.string({ unit: unitChar, maxLength: 40 }) },
  { weight: 12, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 4, arbitrary: fc.string({ unit: loneSurrogate, minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 20_000 }).map((n) => '\u00e9'.repeat(n)) },
);

/** Text around the 1 MiB content limit and the 2 MiB body limit. */
export const hugeString: fc.Arbitrary<string> = fc
  .constantFrom(1_048_575, 1_048_576, 1_048_577, 2_100_000)
  .map((n) => 'x'.repeat(n));

/** Dates as a query string may carry them: valid in every form, subtly wrong, or nonsense. */
export const dateString: fc.Arbitrary<string> = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    )
    .map(
      ([y, m, d]) =>
        `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    ),
  fc.constantFrom(
    '2026-11-01T00:00:00+14:00',
    '2026-11-01T00:00:00-1200',
    '2026-11-01T24:00:00Z',
    '2026-11-01T23:59:60Z',
    '2026-11-01T00:00:00.1234567891Z',
    '2026-11-01T00:00Z',
    '2026-11-01T00:00:00',
    '2026-11-01 10:00:00Z',
    '+275760-09-13T00:00:00.000Z',
    '-000001-01-01T00:00:00Z',
    '0000-01-01',
    '9999-12-31',
    '2026-W44',
    '20261101',
    '2026-02-29',
    '2024-02-29',
    '1e13',
    '1762000000000',
  ),
  weirdString,
);

const numberish = fc.oneof(
  fc.integer({ min: -5, max: 2000 }).map(String),
  fc.double().map(String),
  fc.constantFrom('', '1e3', '0x10', '1.5', '-0', 'Infinity', '99999999999999999999', ' 5', '5 ', '٣'),
);

const flowish = fc.oneof(
  fc.constantFrom('default', 'fuzz-flow', 'a:b', 'x.y', 'a--b', 'A_1'),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/),
  fc.constant('f'.repeat(129)),
  weirdString,
);

const sessionish = fc.oneof(
  fc.constantFrom('s1', 's2', 'fuzz session', '../../etc/passwd', 'a/b', '..', '.', '%2F', 'x'.repeat(255)),
  fc.constant('x'.repeat(256)),
  weirdString,
);

const roleish = fc.oneof(
  fc.constantFrom('user', 'assistant', 'system', 'userMessage', 'apiMessage', 'USER', 'tool'),
  weirdString,
);

/** A JSON value of any shape, with hostile strings in it. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    weirdString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(weirdString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Query values are strings; which strings depends on the field. */
export function queryValue(name: string): fc.Arbitrary<string> {
  if (/date/i.test(name)) return dateString;
  if (/^(limit|page)$/.test(name)) return numberish;
  if (/^(flowId|blockId|id)$/.test(name)) return fc.oneof(flowish, sessionish);
  if (/^(sessionId|chatId|conversationId)$/.test(name)) return sessionish;
  if (/^(sort|order)$/.test(name))
    return fc.oneof(fc.constantFrom('ASC', 'DESC', 'asc', 'Desc'), weirdString);
  if (name === 'by') return fc.oneof(fc.constantFrom('updated', 'created'), weirdString);
  if (/^(confirm|trash|hard)$/.test(name))
    return fc.oneof(fc.constantFrom('true', 'false', 'TRUE', '1'), weirdString);
  if (name === 'chatType')
    return fc.oneof(
      fc.constantFrom('INTERNAL', 'EXTERNAL', '["EXTERNAL","INTERNAL"]', '[]', '['),
      weirdString,
    );
  if (name === 'ids') return fc.oneof(fc.constantFrom('1', '1,2', '1,,2', '0', '-1', '1;2'), weirdString);
  if (name === 'cursor') return fc.oneof(fc.base64String({ maxLength: 60 }), weirdString);
  return weirdString;
}

/** A body field: plausible for its name about half the time, anything otherwise. */
export function bodyValue(name: string): fc.Arbitrary<unknown> {
  const plausible: Record<string, fc.Arbitrary<unknown>> = {
    conversationId: sessionish,
    id: fc.oneof(sessionish, flowish),
    sessionId: sessionish,
    chatId: sessionish,
    role: roleish,
    content: fc.oneof({ weight: 12, arbitrary: weirdString }, { weight: 1, arbitrary: hugeString }),
    question: fc.oneof({ weight: 12, arbitrary: weirdString }, { weight: 1, arbitrary: hugeString }),
    title: weirdString,
    name: weirdString,
    blockId: flowish,
    blockName: weirdString,
    streaming: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes')),
    overrideConfig: fc.oneof(fc.record({ sessionId: sessionish }), anyJson),
    history: fc.array(
      fc.record(
        { role: roleish, content: weirdString, type: roleish, message: weirdString },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    responder: fc.oneof(fc.constant({ kind: 'echo' }), fc.record({ kind: weirdString }), anyJson),
    expectedCount: fc.oneof(fc.integer({ min: -2, max: 50 }), anyJson),
    filter: fc.record(
      { flowId: flowish, q: weirdString, startDate: dateString, endDate: dateString },
      { requiredKeys: [] },
    ),
    ids: fc.oneof(fc.array(fc.integer({ min: -1, max: 50 }), { maxLength: 4 }), anyJson),
    corsOrigins: fc.oneof(fc.array(fc.oneof(fc.webUrl(), weirdString), { maxLength: 3 }), anyJson),
    requestId: weirdString,
    mnemo: fc.oneof(fc.record({ responder: fc.constant({ kind: 'echo' }) }), anyJson),
  };
  const own = plausible[name];
  return own ? fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: anyJson }) : anyJson;
}
