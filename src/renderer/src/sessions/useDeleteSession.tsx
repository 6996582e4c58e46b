import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type InfiniteData, useQueryClient } from '@tanstack/react-query';
import type { SessionList, SessionSummary } from '../../../shared/schemas/sessions';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { openSession } from '../state/view';
import { showTrashedToast } from './trashedToast';

const UNDO_MS = 10_000;

/**
 * Moves one conversation to the trash and offers Undo for a while. Undo restores it by
 * its trash id, found in the trash right after the delete (the most recent entry for
 * this flow and session), and reopens it if it was the open conversation.
 */
export function useDeleteSession() {
  const { api } = useApi();
  const client = useQueryClient();

  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
      client.invalidateQueries({ queryKey: queryKeys.flows }),
      client.invalidateQueries({ queryKey: queryKeys.trash }),
    ]);

  return async function deleteSession(session: SessionSummary): Promise<boolean> {
    const open = new URLSearchParams(window.location.search);
    const wasOpen = open.get('sf') === session.flowId && open.get('sid') === session.sessionId;
    try {
      await api.deleteSession({ flowId: session.flowId, sessionId: session.sessionId });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not delete', message: (error as Error).message });
      return false;
    }
    // Gone from the list at once; the refetch below confirms it.
    client.setQueriesData<InfiniteData<SessionList>>({ queryKey: queryKeys.sessionsAll }, (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              total: Math.max(0, page.total - 1),
              items: page.items.filter(
                (s) => s.flowId !== session.flowId || s.sessionId !== session.sessionId,
              ),
            })),
          }
        : data,
    );
    const trash = await api.listTrash({ limit: 50 }).catch(() => undefined);
    void refresh();
    const trashed = trash?.items.find(
      (t) => t.flowId === session.flowId && t.sessionId === session.sessionId,
    );
    showTrashedToast({
      id: `deleted-${session.flowId}-${session.sessionId}-${Date.now()}`,
      autoClose: UNDO_MS,
      text: `“${session.title}”`,
      restore: trashed
        ? async () => {
            await api.restoreTrash({ ids: [trashed.trashId] });
            // It was open when deleted: Undo puts the person back where they were.
            if (wasOpen) openSession({ flowId: session.flowId, sessionId: session.sessionId });
            return `Restored “${session.title}”`;
          }
        : undefined,
      noUndo: (
        <Text size="xs" c="dimmed">
          Restore it from the Trash
        </Text>
      ),
      refresh,
    });
    return true;
  };
}
