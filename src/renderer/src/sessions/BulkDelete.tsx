import { Alert, Button, Group, List, Loader, Progress, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../../shared/api-error';
import type { SessionFilterInput } from '../../../shared/schemas/sessions';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { conversations as plural } from '../lib/count';
import { showTrashedToast } from './trashedToast';

/** How long the Undo of a bulk delete is offered. */
const UNDO_MS = 15_000;

/**
 * "Delete N matching": a dialog that states N, then one call that refuses if N changed
 * meanwhile. Without a count (the list knew only a lower bound), the dialog counts first.
 */
export function openBulkDelete(props: { count?: number; filter: SessionFilterInput; conditions: string[] }) {
  const id = modals.open({
    title:
      props.count === undefined ? 'Delete the matching conversations?' : `Delete ${plural(props.count)}?`,
    centered: true,
    children: <BulkDeleteCount {...props} close={() => modals.close(id)} />,
  });
}

function BulkDeleteCount(props: {
  count?: number;
  filter: SessionFilterInput;
  conditions: string[];
  close: () => void;
}) {
  const { api } = useApi();
  const counted = useQuery({
    queryKey: ['sessionCount', props.filter],
    queryFn: () => api.countSessions(props.filter),
    enabled: props.count === undefined,
    gcTime: 0,
  });
  const count = props.count ?? counted.data?.total;
  if (count !== undefined) return <BulkDeleteDialog {...props} count={count} />;
  if (counted.error) {
    return (
      <Alert color="red" role="alert" title="Could not count them">
        {counted.error.message}
      </Alert>
    );
  }
  return (
    <Group gap="sm" role="status">
      <Loader size="sm" />
      <Text>Counting the matching conversations…</Text>
    </Group>
  );
}

function BulkDeleteDialog({
  count,
  filter,
  conditions,
  close,
}: {
  count: number;
  filter: SessionFilterInput;
  conditions: string[];
  close: () => void;
}) {
  const { api } = useApi();
  const client = useQueryClient();
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string>();

  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
      client.invalidateQueries({ queryKey: queryKeys.flows }),
      client.invalidateQueries({ queryKey: queryKeys.trash }),
    ]);

  /** "Moved to the trash" with Undo: one call restores exactly what this delete trashed (its batch). */
  const showUndo = (trashed: number, batch: number | null) =>
    showTrashedToast({
      id: `bulk-deleted-${batch ?? Date.now()}`,
      autoClose: UNDO_MS,
      text: `${plural(trashed)} moved to the trash.`,
      restore:
        batch === null
          ? undefined
          : async () => `Restored ${plural((await api.restoreTrashMatching({ batch })).count)}`,
      refresh,
    });

  const run = async () => {
    setWorking(true);
    setError(undefined);
    try {
      const result = await api.deleteSessions({ filter, expectedCount: count });
      close();
      showUndo(result.count, result.batch);
    } catch (e) {
      setWorking(false);
      setError(
        e instanceof ApiError && e.status === 409
          ? `The list changed since it was shown, so nothing was deleted. ${e.message}`
          : (e as Error).message,
      );
    } finally {
      await refresh();
    }
  };

  return (
    <Stack gap="md">
      <Text>
        This moves <b data-testid="bulk-delete-count">{plural(count)}</b> to the trash: every conversation
        that matches
        {conditions.length ? ':' : ' the current view (no filter: all of them).'}
      </Text>
      {conditions.length > 0 && (
        <List size="sm" spacing={2}>
          {conditions.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
      )}
      <Text size="sm" c="dimmed">
        They stay in the Trash for 30 days and can be restored from there.
      </Text>
      {working && (
        <Stack gap={4} role="status" aria-label={`Deleting ${plural(count)}`}>
          <Progress value={100} striped animated aria-label="Deleting" />
          <Text size="sm" c="dimmed">
            Deleting {plural(count)}…
          </Text>
        </Stack>
      )}
      {error && (
        <Alert color="red" role="alert" title="Not deleted">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={close} disabled={working}>
          {error ? 'Close' : 'Cancel'}
        </Button>
        {!error && (
          <Button color="red" onClick={run} loading={working}>
            Delete {plural(count)}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
