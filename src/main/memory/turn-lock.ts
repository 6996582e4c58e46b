/**
 * Turns of one conversation run one at a time: a second prediction on a session waits
 * until the first has stored its pair, so it sees that turn and the stored messages
 * never go user, user, answer, answer. Turns of different sessions run in parallel.
 */
export class TurnLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(flowId: string, sessionId: string, work: () => Promise<T>): Promise<T> {
    const key = JSON.stringify([flowId, sessionId]);
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last turn in line leaves no entry behind.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** How many sessions have a turn running or waiting (for tests of the cleanup). */
  get size(): number {
    return this.tails.size;
  }
}
