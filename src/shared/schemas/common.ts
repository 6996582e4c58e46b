import { z } from 'zod';

/** Flow id (a Flowise chatflow id, a Sim blockId). */
export const FlowId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be 1-128 characters of A-Z a-z 0-9 . _ : - (not starting with a symbol)',
  );

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

/**
 * A lone UTF-16 surrogate has no UTF-8 form: SQLite would keep bytes that read back as
 * U+FFFD, so two different ids would show as one and text would not read back equal.
 * Such strings are refused instead of mangled.
 */
const LONE_SURROGATE = /\p{Cs}/u;
export const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);
export const NOT_WELL_FORMED = 'must be well-formed Unicode (no lone surrogate)';

/** A conversation's id within its flow: taken verbatim, case-sensitive, no control characters. */
export const SessionId = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(NO_CONTROL_CHARS, 'must not contain control characters')
  .refine(isWellFormed, NOT_WELL_FORMED);

export const Role = z.enum(['user', 'assistant', 'system']);
export type Role = z.infer<typeof Role>;

export const ChatType = z.enum(['INTERNAL', 'EXTERNAL']);
export type ChatType = z.infer<typeof ChatType>;

/** Message text: 1 byte to 1 MiB of UTF-8. */
export const MessageContent = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => utf8Length(s) <= MAX_CONTENT_BYTES, 'must be at most 1 MiB of UTF-8')
  .refine(isWellFormed, NOT_WELL_FORMED);

const MAX_CONTENT_BYTES = 1024 * 1024;

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** ISO 8601 UTC with milliseconds, as every time is shown in the API. */
export const IsoTime = z
  .string()
  .describe('ISO 8601 UTC time with milliseconds, e.g. 2026-11-21T10:15:30.123Z');

export const SortOrder = z.enum(['ASC', 'DESC']);

const BARE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** Either form, as the OpenAPI document states it (the calendar is checked when parsed). */
const QUERY_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const DATE_MESSAGE = 'must be an ISO 8601 instant or a YYYY-MM-DD date';
const DAY_MS = 86_400_000;

/**
 * Parses a query-string date to epoch ms: an ISO 8601 instant (Z or offset) or a bare
 * `YYYY-MM-DD` read as UTC. For the end of a range a bare date covers its whole day.
 * Returns undefined when the text is not such a date.
 */
export function parseQueryDate(text: string, edge: 'start' | 'end'): number | undefined {
  const bare = BARE_DATE.exec(text);
  if (bare) {
    // Not Date.UTC: it reads years 0-99 as 1900-1999.
    const ms = Date.parse(`${text}T00:00:00.000Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return undefined;
    return edge === 'end' ? ms + DAY_MS - 1 : ms;
  }
  if (!ISO_INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A query-string date (start or end of an inclusive range), parsed to epoch ms. */
export const queryDate = (edge: 'start' | 'end') =>
  z
    .string()
    .regex(QUERY_DATE, DATE_MESSAGE)
    .transform((text, ctx) => {
      const ms = parseQueryDate(text, edge);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: DATE_MESSAGE });
        return z.NEVER;
      }
      return ms;
    })
    .describe('ISO 8601 instant (2026-11-01T00:00:00.000Z or with an offset) or a bare UTC date YYYY-MM-DD');
