import type { MnemoBridge } from '../../../shared/contract';
import type { MnemoEvent } from '../../../shared/schemas/events';
import { SseParser } from './sse';

export type EventStatus = 'connecting' | 'live' | 'offline';

/** What the server tells the window as it happens: one interface over SSE (web page) and IPC (desktop). */
export interface MnemoEvents {
  subscribe(listener: (event: MnemoEvent) => void): () => void;
  /** Called with every change of the connection's state; a `live` after `offline` means events may have been missed. */
  onStatus(listener: (status: EventStatus) => void): () => void;
  status(): EventStatus;
}

type EventSchema = typeof import('../../../shared/schemas/events')['MnemoEvent'];
let eventSchema: Promise<EventSchema> | undefined;
/** The schema (and zod with it) loads with the first event, apart from the page's first script. */
const loadEventSchema = () =>
  (eventSchema ??= import('../../../shared/schemas/events').then(
    (module) => module.MnemoEvent,
    (error: unknown) => {
      eventSchema = undefined; // the server went away: the next event asks again
      throw error;
    },
  ));

class EventHub implements MnemoEvents {
  private readonly listeners = new Set<(event: MnemoEvent) => void>();
  private readonly statusListeners = new Set<(status: EventStatus) => void>();
  private current: EventStatus = 'connecting';

  subscribe(listener: (event: MnemoEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  onStatus(listener: (status: EventStatus) => void) {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  status() {
    return this.current;
  }

  setStatus(status: EventStatus) {
    if (status === this.current) return;
    this.current = status;
    for (const listener of this.statusListeners) listener(status);
  }

  /** Anything that is not a known event is dropped. Events keep their order while the schema loads. */
  emit(raw: unknown) {
    void loadEventSchema().then(
      (schema) => {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) return;
        for (const listener of this.listeners) listener(parsed.data);
      },
      () => {},
    );
  }
}

/** Desktop: the preload forwards the main process's events. */
export function ipcEvents(bridge: MnemoBridge): MnemoEvents {
  const hub = new EventHub();
  bridge.onEvent((event) => hub.emit(event));
  hub.setStatus('live');
  return hub;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Web page: GET /api/v1/events read with fetch (it carries the key), reconnecting with backoff. */
export function sseEvents(baseUrl: string, apiKey: () => string): MnemoEvents {
  const hub = new EventHub();
  void (async () => {
    let delay = 1000;
    for (;;) {
      try {
        hub.setStatus('connecting');
        const response = await fetch(`${baseUrl}/api/v1/events`, {
          headers: { Authorization: `Bearer ${apiKey()}`, Accept: 'text/event-stream' },
          cache: 'no-store',
        });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        hub.setStatus('live');
        delay = 1000;
        const parser = new SseParser((data) => {
          try {
            hub.emit(JSON.parse(data));
          } catch {
            // not JSON: not an event of ours
          }
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } catch {
        // the server is gone or refused: retry below
      }
      hub.setStatus('offline');
      await sleep(delay);
      delay = Math.min(delay * 2, 15_000);
    }
  })();
  return hub;
}

/** For a page without a key: nothing to connect to. */
export function noEvents(): MnemoEvents {
  const hub = new EventHub();
  hub.setStatus('offline');
  return hub;
}
