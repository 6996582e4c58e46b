import { setSearchParams, urlWith, useSearchParams } from './location';

export type View = 'sessions' | 'trash' | 'settings' | 'status';
const VIEWS: View[] = ['sessions', 'trash', 'settings', 'status'];

export function viewFrom(params: URLSearchParams, fallback: View): View {
  const view = params.get('view');
  return VIEWS.includes(view as View) ? (view as View) : fallback;
}

export function useView(fallback: View): View {
  return viewFrom(useSearchParams(), fallback);
}

export function openView(view: View, extra: Record<string, string | undefined> = {}): void {
  setSearchParams({ view: view === 'sessions' ? undefined : view, ...extra }, { push: true });
}

/** The open conversation, kept in the URL (`sf` flow, `sid` session). */
export function useOpenSession(): { flowId: string; sessionId: string } | undefined {
  const params = useSearchParams();
  const flowId = params.get('sf');
  const sessionId = params.get('sid');
  return flowId && sessionId ? { flowId, sessionId } : undefined;
}

/** The history entry of an open conversation remembers the list's address it was opened from. */
interface OpenedFromList {
  mnemoListUrl: string;
}

const listUrlBelow = (): string | undefined => (history.state as OpenedFromList | null)?.mnemoListUrl;
const CLOSED = { sf: undefined, sid: undefined };

/**
 * Opens a conversation, or closes it with undefined. Opening from the list adds a history
 * entry, so the browser's Back returns to the list; switching to another conversation replaces it.
 */
export function openSession(key: { flowId: string; sessionId: string } | undefined): void {
  if (!key) {
    closeSession();
    return;
  }
  const params = new URLSearchParams(window.location.search);
  const change = { sf: key.flowId, sid: key.sessionId };
  if (params.get('sf') && params.get('sid')) setSearchParams(change);
  else setSearchParams(change, { push: true, state: { mnemoListUrl: urlWith(CLOSED) } });
}

/**
 * Back to the list: the history entry the conversation was opened from when the list there
 * is the same (so Forward reopens it); otherwise this entry becomes the list.
 */
export function closeSession(): void {
  if (listUrlBelow() === urlWith(CLOSED)) history.back();
  else setSearchParams(CLOSED);
}
