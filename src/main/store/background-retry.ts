import { describeError } from './faults';

/** The first retry after a failure; each further failure doubles it, up to the longest. */
export const FIRST_RETRY_MS = 1_000;
export const LONGEST_RETRY_MS = 60_000;

export interface BackgroundRetry {
  /** The task failed: logs the first failure of an outage only; returns how long to wait (ms). */
  failed(error: unknown): number;
  /** The task worked: ends an outage (logging that it did) and resets the wait. */
  succeeded(): void;
  /** Whether the last attempt failed. */
  readonly failing: boolean;
}

/**
 * How a background task (index merge, checkpoint, retention) lives through a full disk
 * or another process holding the lock: it catches, logs one line when an outage begins
 * and one when it ends (not one per attempt), and retries after a wait that doubles from
 * 1 s to 60 s, so everything resumes on its own once space or the lock comes back.
 */
export function backgroundRetry(
  task: string,
  log: (line: string) => void = (line) => console.warn(line),
): BackgroundRetry {
  let failures = 0;
  return {
    failed(error) {
      failures++;
      if (failures === 1) log(`Mnemo: ${task} failed, retrying in the background: ${describeError(error)}`);
      return Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), LONGEST_RETRY_MS);
    },
    succeeded() {
      if (failures > 0) log(`Mnemo: ${task} works again (after ${failures} failed attempts)`);
      failures = 0;
    },
    get failing() {
      return failures > 0;
    },
  };
}
