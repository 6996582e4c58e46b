import { useSyncExternalStore } from 'react';

/**
 * Whether the "New conversation" dialog is open, and with which flow picked: opened from
 * the sidebar, the list header and Ctrl/Cmd+N, shown by one dialog in App.
 */
let request: { flowId: string } | undefined;
const listeners = new Set<() => void>();
const changed = () => {
  for (const listener of listeners) listener();
};

/** Opens the dialog with `flowId` picked, by default the flow in view (the open conversation's, else the list's). */
export function openNewConversation(flowId?: string): void {
  const params = new URLSearchParams(window.location.search);
  request = { flowId: flowId ?? params.get('sf') ?? params.get('flow') ?? 'default' };
  changed();
}

export function closeNewConversation(): void {
  request = undefined;
  changed();
}

export function useNewConversationRequest(): { flowId: string } | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => request,
  );
}
