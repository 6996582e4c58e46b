/**
 * The benchmark's PostgreSQL: a throwaway cluster (scripts/pg-throwaway.sh: no fsync, like
 * the test clusters), started only where PostgreSQL is installed (the benchmark does not
 * install it), stopped by `stop()` or, should the run exit first, when the process exits.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface PgCluster {
  /** postgresql://mnemo@127.0.0.1:PORT/ + the database. */
  urlOf(database: string): string;
  createDatabase(name: string): void;
  version: string;
  /** The postmaster's process id (its backends are its children). */
  pid: number;
  stop(): void;
}

/** Why there is no PostgreSQL to measure here, or undefined if there is. */
export function pgMissing(): string | undefined {
  const root = '/usr/lib/postgresql';
  const found =
    fs.existsSync(root) && fs.readdirSync(root).some((v) => fs.existsSync(path.join(root, v, 'bin/initdb')));
  return found ? undefined : `no initdb under ${root} (install Debian's postgresql, as .ci/run does)`;
}

export function startPgCluster(): PgCluster {
  const out = execFileSync('bash', [path.resolve('scripts/pg-throwaway.sh')], { encoding: 'utf8' });
  const vars = Object.fromEntries(
    out
      .trim()
      .split(' ')
      .map((pair) => pair.split('=', 2) as [string, string]),
  );
  const { DIR: dir, BIN: bin, URL: base } = vars as Record<string, string>;
  if (!dir || !bin || !base) throw new Error(`pg-throwaway.sh printed ${out}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    execFileSync('bash', [path.resolve('scripts/pg-throwaway.sh'), 'stop', dir], { stdio: 'ignore' });
  };
  process.once('exit', stop);
  const parsed = new URL(base);
  return {
    urlOf(database) {
      const url = new URL(base);
      url.pathname = `/${database}`;
      return url.toString();
    },
    createDatabase(name) {
      execFileSync(
        path.join(bin, 'createdb'),
        ['-h', parsed.hostname, '-p', parsed.port, '-U', parsed.username, name],
        { stdio: 'inherit' },
      );
    },
    version: execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim(),
    pid: Number(fs.readFileSync(path.join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]),
    stop,
  };
}
