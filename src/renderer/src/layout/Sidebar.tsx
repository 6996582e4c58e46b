import { Badge, Button, Divider, NavLink, Skeleton, Stack, Text } from '@mantine/core';
import {
  IconActivity,
  IconInbox,
  IconMessages,
  IconPlus,
  IconSettings,
  IconTrash,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { conversations as count } from '../lib/count';
import { FirstFrameScrollArea } from '../lib/FirstFrameScrollArea';
import { openNewConversation } from '../sessions/newConversation';
import { useFilters } from '../state/filters';
import { openView, type View } from '../state/view';

/** "All flows", each flow with its count, then Trash, Settings and Status. */
export function Sidebar({ view, onNavigate }: { view: View; onNavigate: () => void }) {
  const { api, missingKey } = useApi();
  const { flowId } = useFilters();
  const flows = useQuery({
    queryKey: queryKeys.flows,
    queryFn: () => api.listFlows({}),
    enabled: !missingKey,
  });
  const total = flows.data?.items.reduce((sum, flow) => sum + flow.sessionCount, 0);
  const go = (next: View, extra: Record<string, string | undefined> = {}) => {
    openView(next, extra);
    onNavigate();
  };
  const showFlow = (id: string | undefined) => go('sessions', { flow: id, sf: undefined, sid: undefined });

  return (
    <Stack gap={0} h="100%">
      {!missingKey && (
        <Button
          variant="light"
          mb="xs"
          leftSection={<IconPlus size={16} aria-hidden />}
          title="New conversation (Ctrl+N)"
          onClick={() => {
            openNewConversation();
            onNavigate();
          }}
        >
          New conversation
        </Button>
      )}
      <FirstFrameScrollArea style={{ flex: 1 }}>
        <NavLink
          component="button"
          label="All flows"
          leftSection={<IconInbox size={18} aria-hidden />}
          rightSection={total !== undefined && <Badge variant="light">{total.toLocaleString()}</Badge>}
          active={view === 'sessions' && !flowId}
          aria-current={view === 'sessions' && !flowId ? 'page' : undefined}
          aria-label={total === undefined ? 'All flows' : `All flows, ${count(total)}`}
          onClick={() => showFlow(undefined)}
        />
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
          Flows
        </Text>
        {flows.isPending && !missingKey && (
          <Stack gap={6} px="sm" aria-label="Loading flows">
            <Skeleton h={28} />
            <Skeleton h={28} />
          </Stack>
        )}
        {flows.isError && (
          <Text size="sm" c="red" px="sm" role="alert">
            Flows could not be loaded: {flows.error.message}
          </Text>
        )}
        {flows.data?.items.map((flow) => {
          const active = view === 'sessions' && flowId === flow.id;
          return (
            <NavLink
              key={flow.id}
              component="button"
              label={flow.name}
              description={flow.name === flow.id ? undefined : flow.id}
              leftSection={<IconMessages size={18} aria-hidden />}
              rightSection={<Badge variant="default">{flow.sessionCount.toLocaleString()}</Badge>}
              active={active}
              aria-current={active ? 'page' : undefined}
              aria-label={`Flow ${flow.name}, ${count(flow.sessionCount)}`}
              onClick={() => showFlow(flow.id)}
            />
          );
        })}
      </FirstFrameScrollArea>
      <Divider my="xs" />
      <NavLink
        component="button"
        label="Trash"
        leftSection={<IconTrash size={18} aria-hidden />}
        active={view === 'trash'}
        aria-current={view === 'trash' ? 'page' : undefined}
        onClick={() => go('trash')}
      />
      <NavLink
        component="button"
        label="Settings"
        leftSection={<IconSettings size={18} aria-hidden />}
        active={view === 'settings'}
        aria-current={view === 'settings' ? 'page' : undefined}
        onClick={() => go('settings')}
      />
      <NavLink
        component="button"
        label="Status"
        leftSection={<IconActivity size={18} aria-hidden />}
        active={view === 'status'}
        aria-current={view === 'status' ? 'page' : undefined}
        onClick={() => go('status')}
      />
    </Stack>
  );
}
