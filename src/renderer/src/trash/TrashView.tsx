import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconRestore, IconTrashOff, IconTrashX } from '@tabler/icons-react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { TrashItem } from '../../../shared/schemas/sessions';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { conversations } from '../lib/count';
import { Empty } from '../lib/Empty';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';

const PAGE = 100;

/** Conversations in the trash: restore or delete for good, one by one or all at once. */
export function TrashView() {
  const { api } = useApi();
  const client = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: queryKeys.trash,
    queryFn: ({ pageParam }) => api.listTrash({ limit: PAGE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;
  const [busy, setBusy] = useState<number | 'all'>();

  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.trash }),
      client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
      client.invalidateQueries({ queryKey: queryKeys.flows }),
    ]);

  const act = async (id: number | 'all', work: () => Promise<unknown>, done: string) => {
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
          All {conversations(total)} in the trash will be deleted permanently. This cannot be undone.
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
        <Button
          color="red"
          variant="light"
          leftSection={<IconTrashX size={16} aria-hidden />}
          disabled={!total}
          loading={busy === 'all'}
          onClick={emptyTrash}
        >
          Empty trash
        </Button>
      </Group>
      {query.isPending ? (
        <Loader aria-label="Loading the trash" />
      ) : query.isError ? (
        <Alert color="red" role="alert" title="The trash could not be loaded">
          {query.error.message}
        </Alert>
      ) : items.length === 0 ? (
        <Empty
          icon={<IconTrashOff aria-hidden />}
          title="The trash is empty"
          description="Conversations you delete land here first."
        />
      ) : (
        <>
          <Text size="sm" c="dimmed" data-testid="trash-count">
            {conversations(total)} in the trash
          </Text>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Conversations in the trash">
            <Table.Thead>
              <Table.Tr>
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
                <Table.Tr key={item.trashId} aria-label={item.title}>
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
