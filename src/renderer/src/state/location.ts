import { useSyncExternalStore } from 'react';

/**
 * The window's state that should survive a reload (view, filters, open conversation)
 * lives in the query string. This is the one place that reads and writes it.
 */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => window.location.search;

/** The current query string's parameters; re-renders when they change. */
export function useSearchParams(): URLSearchParams {
  const search = useSyncExternalStore(subscribe, snapshot);
  return new URLSearchParams(search);
}

/** This page's address (path and query) with these parameters set or, with undefined/empty, removed. */
export function urlWith(changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const qs = params.toString();
  return `${window.location.pathname}${qs ? `?${qs}` : ''}`;
}

/**
 * Sets (or, with undefined/empty, removes) parameters. `push` adds a history entry (a
 * change of view) carrying `state`; the default replaces the address and keeps the entry's state.
 */
export function setSearchParams(
  changes: Record<string, string | undefined>,
  options: { push?: boolean; state?: unknown } = {},
) {
  const url = urlWith(changes);
  if (options.push) history.pushState(options.state ?? null, '', url);
  else history.replaceState(history.state, '', url);
  for (const listener of listeners) listener();
}
