import { EventEmitter } from 'node:events';
import type { MnemoEvent } from '../../shared/schemas/events';

/**
 * The in-process event bus: services publish what changed; the SSE route and the IPC
 * bridge forward it to every open page and window.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open page or window; many may be open.
    this.emitter.setMaxListeners(0);
  }

  publish(event: MnemoEvent): void {
    this.emitter.emit('event', event);
  }

  /** How many listeners are subscribed (open pages and windows). */
  get subscribers(): number {
    return this.emitter.listenerCount('event');
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (event: MnemoEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
