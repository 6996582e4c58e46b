/**
 * Where the CPU went during a load phase, from /proc: the servers', PostgreSQL's (its
 * postmaster and every process it started), this process's (the load generator), and how
 * busy the machine's cores were in all (other people's work included), to say what limits
 * a throughput figure on a machine of 2 cores.
 */
import fs from 'node:fs';
import os from 'node:os';

const TICK = 100; // USER_HZ: /proc counts CPU time in hundredths of a second on Linux

/**
 * CPU of a process and of its children that have exited (utime + stime + cutime + cstime),
 * in seconds (0 once it is gone): PostgreSQL's backends that exit during a phase (a pool's
 * idle connections close after 10 s) stay counted in their postmaster's total.
 */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICK;
  } catch {
    return 0;
  }
}

/** A process and every process below it. */
function tree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, parent] of parentOf) if (parent === found[i]) found.push(pid);
  }
  return found;
}

/** Busy and total jiffies of all cores. */
function machine(): { busy: number; total: number } {
  const cpu =
    fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuGroups {
  /** name → process ids whose CPU (with their descendants') counts under that name. */
  [name: string]: number[];
}

/**
 * Starts counting; `end()` says, per group, the CPU seconds used since, and the machine's
 * busy share; `end(requests)` also each group's milliseconds per request.
 */
export function cpuMeter(groups: CpuGroups) {
  const read = () =>
    Object.fromEntries(
      Object.entries(groups).map(([name, pids]) => [
        name,
        pids.flatMap(tree).reduce((sum, pid) => sum + cpuOf(pid), 0),
      ]),
    );
  const before = read();
  const self = process.cpuUsage();
  const machineBefore = machine();
  const started = performance.now();
  return {
    end(requests?: number): string {
      const after = read();
      const own = process.cpuUsage(self);
      const wall = (performance.now() - started) / 1000;
      const m = machine();
      const busy = (m.busy - machineBefore.busy) / Math.max(1, m.total - machineBefore.total);
      const used = (seconds: number) =>
        `${seconds.toFixed(1)} s${requests ? ` (${((seconds / requests) * 1000).toFixed(2)} ms each)` : ''}`;
      const parts = Object.keys(groups).map(
        (name) => `${name} ${used((after[name] ?? 0) - (before[name] ?? 0))}`,
      );
      parts.push(`load generator ${used((own.user + own.system) / 1e6)}`);
      return (
        `CPU over ${wall.toFixed(1)} s${requests ? ` for ${requests} requests` : ''}: ${parts.join(', ')}; ` +
        `the machine's ${os.availableParallelism()} cores ${(busy * 100).toFixed(0)}% busy (all processes)`
      );
    },
  };
}
