import { setSearchParams, useSearchParams } from './location';

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

export function openSession(key: { flowId: string; sessionId: string } | undefined): void {
  setSearchParams({ sf: key?.flowId, sid: key?.sessionId });
}
