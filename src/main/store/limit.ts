/**
 * A LIMIT read from a bound parameter when the statement runs. SQLite reads a bare
 * `LIMIT @name` while planning, so every new binding re-prepares the whole statement
 * (about 25 µs: a tenth of a Flowise read, SPEC 9); an expression it cannot read then
 * costs nothing.
 */
export const limitParam = (name: string) => `LIMIT (@${name} + 0)`;
