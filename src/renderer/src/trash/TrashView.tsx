import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconRestore, IconTrashOff, IconTrashX } from '@tabler/icons-react';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { TrashItem } from '../../../shared/schemas/sessions';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { conversations } from '../lib/count';
import { Empty } from '../lib/Empty';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';
import classes from './TrashView.module.css';
import { useRangeSelection } from './useRangeSelection';
import { useRestoreInSteps } from './useRestoreInSteps';

const PAGE = 100;
/** The flow filter's "All flows": no flow id starts with `*`. */
const ALL_FLOWS = '*';

/**
 * Conversations in the trash (all, or one flow's): restore or delete for good one by one,
 * restore the checked ones (shift-click checks a range) or all of them, in steps with progress.
 */
export function TrashView() {
  const { api } = useApi();
  const client = useQueryClient();
  const [flowId, setFlowId] = useState<string>();
  const query = useInfiniteQuery({
    queryKey: [...queryKeys.trash, flowId ?? null],
    queryFn: ({ pageParam }) => api.listTrash({ limit: PAGE, cursor: pageParam, flowId }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const flows = useQuery({ queryKey: queryKeys.flows, queryFn: () => api.listFlows({}) });
  // With a flow chosen, "Empty trash" still empties all of it: say how much that is.
  const everything = useQuery({
    queryKey: [...queryKeys.trash, 'total'],
    queryFn: () => api.listTrash({ limit: 1 }),
    enabled: flowId !== undefined,
  });
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const ids = useMemo(() => items.map((item) => item.trashId), [items]);
  const total = query.data?.pages[0]?.total ?? 0;
  const trashTotal = flowId === undefined ? total : (everything.data?.total ?? total);
  const [busy, setBusy] = useState<number | 'all' | 'restore'>();
  const { selected, toggle, setAll } = useRangeSelection(ids);
  const steps = useRestoreInSteps(api);

  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.trash }),
      client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
      client.invalidateQueries({ queryKey: queryKeys.flows }),
    ]);

  const act = async (id: number | 'all' | 'restore', work: () => Promise<unknown>, done: string) => {
    setBusy(id);
    try {
      await work();
      notifications.show({ color: 'teal', message: done });
    } catch (e) {
      notifications.show({ color: 'red', title: 'That did not work', message: (e as Error).message });
    } finally {
      await refresh();
      setBusy(undefined);
    }
  };

  const restore = (item: TrashItem) =>
    act(item.trashId, () => api.restoreTrash({ ids: [item.trashId] }), `Restored “${item.title}”`);

  const restoreSelected = () => {
    const chosen = ids.filter((id) => selected.has(id));
    return act(
      'restore',
      async () => {
        const restored = await steps.ids(chosen);
        setAll(false);
        return restored;
      },
      `Restored ${conversations(chosen.length)}`,
    );
  };

  const restoreAll = () =>
    act(
      'restore',
      async () => {
        const restored = await steps.all(flowId);
        setAll(false);
        return restored;
      },
      flowId === undefined ? 'Restored the whole trash' : `Restored the trash of “${flowName(flowId)}”`,
    );

  const flowName = (id: string) => flows.data?.items.find((f) => f.id === id)?.name ?? id;
  const flowOptions = [
    { value: ALL_FLOWS, label: 'All flows' },
    ...(flows.data?.items.map((f) => ({ value: f.id, label: f.name })) ?? []),
  ];
  const allShown = ids.length > 0 && selected.size === ids.length;

  const purge = (item: TrashItem) =>
    modals.openConfirmModal({
      title: 'Delete for good?',
      centered: true,
      children: (
        <Text size="sm">
          “{item.title}” and its messages will be deleted permanently. This cannot be undone.
        </Text>
      ),
      labels: { confirm: 'Delete for good', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        act(
          item.trashId,
          () => api.purgeTrash({ ids: String(item.trashId) }),
          `Deleted “${item.title}” for good`,
        ),
    });

  const emptyTrash = () =>
    modals.openConfirmModal({
      title: 'Empty the trash?',
      centered: true,
      children: (
        <Text size="sm">
          All {conversations(trashTotal)} in the trash{flowId === undefined ? '' : ', of every flow,'} will be
          deleted permanently. This cannot be undone.
        </Text>
      ),
      labels: { confirm: 'Empty trash', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => act('all', () => api.purgeTrash({}), 'Emptied the trash'),
    });

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <div>
          <Title order={2} size="h3">
            Trash
          </Title>
          <Text size="sm" c="dimmed">
            Deleted conversations stay here for 30 days, then they are removed for good.
          </Text>
        </div>
        <Group gap="xs">
          <Select
            aria-label="Show the trash of"
            data={flowOptions}
            value={flowId ?? ALL_FLOWS}
            onChange={(value) => {
              setAll(false);
              setFlowId(value && value !== ALL_FLOWS ? value : undefined);
            }}
            allowDeselect={false}
            w={200}
            comboboxProps={{ withinPortal: true }}
          />
          <Button
            variant="light"
            leftSection={<IconRestore size={16} aria-hidden />}
            disabled={!total || busy !== undefined}
            loading={busy === 'restore' && !selected.size}
            onClick={() => void restoreAll()}
          >
            Restore all
          </Button>
          <Button
            color="red"
            variant="light"
            leftSection={<IconTrashX size={16} aria-hidden />}
            disabled={!trashTotal || busy !== undefined}
            loading={busy === 'all'}
            onClick={emptyTrash}
          >
            Empty trash
          </Button>
        </Group>
      </Group>
      {steps.progress && (
        <Stack gap={4} role="status" data-testid="restore-progress">
          <Progress
            value={(100 * steps.progress.done) / Math.max(1, steps.progress.total)}
            aria-label="Restoring"
          />
          <Text size="sm" c="dimmed">
            Restored {steps.progress.done.toLocaleString()} of {conversations(steps.progress.total)}…
          </Text>
        </Stack>
      )}
      {query.isPending ? (
        <Loader aria-label="Loading the trash" />
      ) : query.isError ? (
        <Alert color="red" role="alert" title="The trash could not be loaded">
          {query.error.message}
        </Alert>
      ) : items.length === 0 ? (
        flowId === undefined ? (
          <Empty
            icon={<IconTrashOff aria-hidden />}
            title="The trash is empty"
            description="Conversations you delete land here first."
          />
        ) : (
          <Empty
            icon={<IconTrashOff aria-hidden />}
            title={`Nothing of “${flowName(flowId)}” in the trash`}
            description="Choose All flows to see the rest of the trash."
          />
        )
      ) : (
        <>
          <Group justify="space-between" mih={30}>
            <Text size="sm" c="dimmed" data-testid="trash-count">
              {conversations(total)} in the trash{flowId === undefined ? '' : ` of “${flowName(flowId)}”`}
            </Text>
            {selected.size > 0 && (
              <Group gap="xs">
                <Text size="sm" data-testid="trash-selected">
                  {selected.size.toLocaleString()} selected
                </Text>
                <Button
                  size="xs"
                  leftSection={<IconRestore size={14} aria-hidden />}
                  loading={busy === 'restore'}
                  disabled={busy !== undefined && busy !== 'restore'}
                  onClick={() => void restoreSelected()}
                >
                  Restore selected
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setAll(false)}
                  disabled={busy !== undefined}
                >
                  Clear selection
                </Button>
              </Group>
            )}
          </Group>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Conversations in the trash">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label="Select all shown"
                    checked={allShown}
                    indeterminate={selected.size > 0 && !allShown}
                    onChange={() => setAll(!allShown)}
                  />
                </Table.Th>
                <Table.Th>Conversation</Table.Th>
                <Table.Th>Flow</Table.Th>
                <Table.Th>Messages</Table.Th>
                <Table.Th>Deleted</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr
                  key={item.trashId}
                  aria-label={item.title}
                  className={selected.has(item.trashId) ? classes.selected : undefined}
                >
                  <Table.Td>
                    <Checkbox
                      aria-label={`Select ${item.title}`}
                      checked={selected.has(item.trashId)}
                      // The click (not the change) says whether Shift was held: shift-click checks a range.
                      onClick={(event) => toggle(item.trashId, event.shiftKey)}
                      onChange={() => undefined}
                    />
                  </Table.Td>
                  <Table.Td maw={380}>
                    <Text fw={600} size="sm" truncate="end">
                      {item.title}
                    </Text>
                    <Text size="xs" c="dimmed" truncate="end">
                      {item.sessionId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none">
                      {item.flowName}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{item.messageCount.toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Text size="sm" title={absoluteTimeOf(item.trashedAt)}>
                      {relativeTimeOf(item.trashedAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconRestore size={14} aria-hidden />}
                        aria-label={`Restore ${item.title}`}
                        loading={busy === item.trashId}
                        onClick={() => void restore(item)}
                      >
                        Restore
                      </Button>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        aria-label={`Delete ${item.title} for good`}
                        onClick={() => purge(item)}
                      >
                        Delete for good
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {query.hasNextPage && (
            <Button
              variant="light"
              onClick={() => void query.fetchNextPage()}
              loading={query.isFetchingNextPage}
              style={{ alignSelf: 'center' }}
            >
              Show more
            </Button>
          )}
        </>
      )}
    </Stack>
  );
}
