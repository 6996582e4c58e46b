import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { MnemoEvent } from '../../../shared/schemas/events';
import { useApi } from './context';
import { queryKeys, trimSessionPages } from './queries';

const BATCH_MS = 150;

/**
 * Keeps every query current while scripts write: the events of a short burst are
 * gathered, then the queries they touch are refetched once.
 */
export function useLiveUpdates(): void {
  const { events } = useApi();
  const client = useQueryClient();
  useEffect(() => {
    let pending: MnemoEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      applyEvents(client, batch);
    };
    const unsubscribe = events.subscribe((event) => {
      if (event.type === 'answer.delta') return; // for the composer that asked
      pending.push(event);
      timer ??= setTimeout(flush, BATCH_MS);
    });
    let wasOffline = false;
    const unwatch = events.onStatus((status) => {
      if (status === 'offline') wasOffline = true;
      if (status === 'live' && wasOffline) {
        // Events may have been missed while disconnected.
        wasOffline = false;
        trimSessionPages(client);
        void client.invalidateQueries();
      }
    });
    return () => {
      unsubscribe();
      unwatch();
      if (timer) clearTimeout(timer);
    };
  }, [events, client]);
}

function applyEvents(client: QueryClient, batch: MnemoEvent[]): void {
  const keys = new Map<string, readonly unknown[]>();
  const add = (key: readonly unknown[]) => keys.set(JSON.stringify(key), key);
  for (const event of batch) {
    switch (event.type) {
      case 'session.changed':
        add(queryKeys.sessionsAll);
        add(queryKeys.flows);
        add(queryKeys.session(event.flowId, event.sessionId));
        break;
      case 'session.deleted':
        add(queryKeys.sessionsAll);
        add(queryKeys.flows);
        add(queryKeys.trash);
        add(queryKeys.session(event.flowId, event.sessionId));
        break;
      case 'flow.changed':
        add(queryKeys.flows);
        add(queryKeys.sessionsAll);
        break;
      case 'trash.changed':
        add(queryKeys.trash);
        add(queryKeys.sessionsAll);
        add(queryKeys.flows);
        break;
    }
  }
  if (keys.has(JSON.stringify(queryKeys.sessionsAll))) trimSessionPages(client);
  for (const key of keys.values()) void client.invalidateQueries({ queryKey: key });
}
