/**
 * The one-line reasons a PostgreSQL database could not be opened, for the cases the
 * serve tests (test/api/serve-database-url.test.ts) cannot make with one local cluster:
 * too old a server, a connection timeout, a name that resolved to several refusing addresses.
 */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/main/store/postgres/db';
import { checkServerVersion, describeOpenError } from '../../src/main/store/postgres/open-error';

const URL_WITH_PASSWORD = 'postgresql://team:pw-s3cret@db.example:6543/memory';
const where = redactUrl(URL_WITH_PASSWORD);
const describeIt = (error: unknown) => describeOpenError(error, URL_WITH_PASSWORD, where) as Error;

describe('opening a PostgreSQL database: what is said when it fails', () => {
  it('refuses a server older than 13, naming its version and the one needed', () => {
    expect(() => checkServerVersion(120017, '12.17', where)).toThrow(
      'the PostgreSQL server at postgresql://team:***@db.example:6543/memory is version 12.17; Mnemo needs PostgreSQL 13 or later',
    );
    expect(() => checkServerVersion(130000, '13.0', where)).not.toThrow();
    expect(() => checkServerVersion(170002, '17.2', where)).not.toThrow();
  });

  it('says host unreachable for a connection timeout and for EHOSTUNREACH', () => {
    expect(describeIt(new Error('timeout expired')).message).toBe(
      'cannot reach the PostgreSQL server at db.example:6543: no answer within the connection timeout (host unreachable?)',
    );
    expect(
      describeIt(Object.assign(new Error('connect EHOSTUNREACH 10.0.0.1:6543'), { code: 'EHOSTUNREACH' }))
        .message,
    ).toBe('cannot reach the PostgreSQL server at db.example:6543: host unreachable');
  });

  it('reads the code of an AggregateError (a name with several addresses, each refused)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:6543'), { code: 'ECONNREFUSED' });
    expect(describeIt(new AggregateError([refused, refused], '')).message).toMatch(
      /^cannot reach the PostgreSQL server at db\.example:6543: connection refused/,
    );
  });

  it("passes Mnemo's own errors (no code) unchanged, and says other server errors of this database", () => {
    const newer = new Error('the database at x has schema version 9, newer than this Mnemo understands (2)');
    expect(describeIt(newer)).toBe(newer);
    const denied = Object.assign(new Error('permission denied for schema public'), { code: '42501' });
    expect(describeIt(denied).message).toBe(`PostgreSQL at ${where}: permission denied for schema public`);
    expect(describeIt(denied).message).not.toContain('pw-s3cret');
  });
});
