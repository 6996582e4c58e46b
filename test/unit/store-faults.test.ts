import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { handleError } from '../../src/main/http/errors';
import { StoreFault, storeFault } from '../../src/main/store/faults';

/** A real SqliteError with the given code, as better-sqlite3 throws it. */
const sqliteError = (code: string, message = 'from SQLite') => new Database.SqliteError(message, code);

describe('storeFault: the one place that reads SQLite error codes', () => {
  it.each([
    ['SQLITE_FULL', 'full'],
    ['SQLITE_BUSY', 'busy'],
    ['SQLITE_BUSY_SNAPSHOT', 'busy'],
    ['SQLITE_LOCKED', 'busy'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_CORRUPT_INDEX', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
  ])('%s is %s', (code, kind) => {
    const fault = storeFault(sqliteError(code), '/data/mnemo.db');
    expect(fault).toBeInstanceOf(StoreFault);
    expect(fault?.kind).toBe(kind);
    expect(fault?.code).toBe(code);
  });

  it('names the disk, the file and what to do', () => {
    expect(storeFault(sqliteError('SQLITE_FULL'), '/data/mnemo.db')?.message).toBe(
      'the disk holding /data is full; free some space and retry; nothing was stored',
    );
    expect(
      storeFault(sqliteError('SQLITE_CORRUPT', 'database disk image is malformed'), '/data/mnemo.db')
        ?.message,
    ).toMatch(
      /^the database file is damaged: \/data\/mnemo\.db \(SQLITE_CORRUPT: database disk image is malformed\)/,
    );
  });

  it('leaves other errors alone, and an I/O error on a disk with space is not "full"', () => {
    expect(storeFault(new Error('boom'))).toBeUndefined();
    expect(storeFault(sqliteError('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(storeFault(sqliteError('SQLITE_IOERR_WRITE'), `${process.cwd()}/x.db`)).toBeUndefined();
  });
});

describe('the HTTP edge maps faults that reads throw raw', () => {
  async function answer(url: string, error: Error) {
    const app = Fastify();
    app.setErrorHandler(handleError);
    app.get('/*', async () => {
      throw error;
    });
    try {
      return await app.inject({ method: 'GET', url });
    } finally {
      await app.close();
    }
  }

  it('busy: 503 with Retry-After; full: 507; damaged: 500 saying so; Sim routes keep their shape', async () => {
    const busy = await answer('/api/v1/sessions', sqliteError('SQLITE_BUSY'));
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('5');
    expect(busy.json()).toMatchObject({
      statusCode: 503,
      success: false,
      message: expect.stringMatching(/busy/),
    });

    const full = await answer('/api/memory', sqliteError('SQLITE_FULL'));
    expect(full.statusCode).toBe(507);
    expect(full.json()).toEqual({
      success: false,
      error: expect.stringMatching(/^the disk holding .* is full/),
    });

    const corrupt = await answer('/api/v1/export', sqliteError('SQLITE_CORRUPT'));
    expect(corrupt.statusCode).toBe(500);
    expect(corrupt.json().message).toMatch(/^the database file is damaged/);

    const other = await answer('/api/v1/sessions', new Error('secret detail'));
    expect(other.statusCode).toBe(500);
    expect(other.json().message).toBe('internal error; see the server log');
  });
});
