import { z } from 'zod';
import { HttpError } from '../http/errors';

/**
 * Keyset cursors: the position after the last row of a page, as opaque base64url
 * JSON. A cursor carries what it is for (`kind`, e.g. the list's sort), so one from
 * another list or sort is refused instead of silently skipping rows.
 */
const Position = z.tuple([z.string(), z.number().int(), z.number().int()]);

export function encodeCursor(kind: string, key: number, id: number): string {
  return Buffer.from(JSON.stringify([kind, key, id])).toString('base64url');
}

/** The (key, id) a cursor names; 400 naming the field when it is not one of ours for `kind`. */
export function decodeCursor(cursor: string, kind: string): { key: number; id: number } {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new HttpError(
      400,
      'field "cursor": malformed cursor; pass nextCursor from the previous page as is',
    );
  }
  const position = Position.safeParse(parsed);
  if (!position.success) {
    throw new HttpError(
      400,
      'field "cursor": malformed cursor; pass nextCursor from the previous page as is',
    );
  }
  const [cursorKind, key, id] = position.data;
  if (cursorKind !== kind) {
    throw new HttpError(
      400,
      `field "cursor": this cursor belongs to another list or sort order (${cursorKind})`,
    );
  }
  return { key, id };
}
