import { Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconMessages, IconUpload } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useApi } from '../api/context';
import { FIRST_PAGE, NEXT_PAGE, queryKeys } from '../api/queries';
import { Empty } from '../lib/Empty';
import { absoluteDay } from '../lib/time';
import {
  RANGE_PRESETS,
  rangeDays,
  sessionFilter,
  sessionListInput,
  setFilters,
  useFilters,
} from '../state/filters';
import { openSession, useOpenSession } from '../state/view';
import { ExportMenu } from '../transfer/ExportMenu';
import { openImport } from '../transfer/ImportDialog';
import { openBulkDelete } from './BulkDelete';
import { FilterBar, MatchActions } from './FilterBar';
import { SessionList } from './SessionList';
import { sessionKeyOf } from './SessionRow';

const ConversationView = lazy(() => import('../conversation/ConversationView'));

/** The list of conversations with its filters, and the open conversation beside it. */
export function SessionsView() {
  const { api } = useApi();
  const filters = useFilters();
  const filter = sessionFilter(filters);
  // The same input (and so query key) as the first page asked for at start (api/firstRequests.ts).
  const listInput = sessionListInput(filters);
  const query = useInfiniteQuery({
    queryKey: queryKeys.sessions(listInput),
    queryFn: ({ pageParam }) =>
      api.listSessions({ ...listInput, limit: pageParam ? NEXT_PAGE : FIRST_PAGE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Comparing 100,000 loaded rows with the previous ones on every page costs more than it saves.
    structuralSharing: false,
  });
  const flows = useQuery({ queryKey: queryKeys.flows, queryFn: () => api.listFlows({}) });
  const flowName = filters.flowId
    ? (flows.data?.items.find((f) => f.id === filters.flowId)?.name ?? filters.flowId)
    : undefined;
  const total = query.isPlaceholderData ? undefined : query.data?.pages[0]?.total;
  const exact = query.data?.pages[0]?.totalExact ?? true;
  const open = useOpenSession();
  const wide = useMediaQuery('(min-width: 68em)', true);
  const filtered = !!(filter.q || filter.startDate || filter.endDate || filters.flowId);
  const everything = flows.data?.items.reduce((n, f) => n + f.sessionCount, 0);

  const conditions: string[] = [];
  if (flowName) conditions.push(`in the flow “${flowName}”`);
  const days = rangeDays(filters);
  const preset = RANGE_PRESETS.find((p) => p.value === filters.range && p.value !== 'all');
  if (preset) conditions.push(`with messages ${preset.label.toLowerCase()}`);
  else if (days.from || days.to)
    conditions.push(
      `with messages ${days.from ? `from ${absoluteDay(days.from)}` : ''}${days.from && days.to ? ' ' : ''}${days.to ? `to ${absoluteDay(days.to)}` : ''}`,
    );
  if (filter.q) conditions.push(`containing “${filter.q}”`);

  return (
    <Stack h="100%" gap="sm">
      <Group justify="space-between" align="center" wrap="wrap" gap="xs">
        <Title order={2} size="h3">
          {flowName ?? 'All flows'}
          {filter.q && (
            <Text span c="dimmed" fw={400} size="lg">
              {' '}
              · search “{filter.q}”
            </Text>
          )}
        </Title>
        <Group gap="sm" wrap="nowrap">
          {query.isFetching && !query.isPending && <Loader size="xs" aria-label="Refreshing" />}
          <Button
            variant="default"
            size="sm"
            leftSection={<IconUpload size={16} aria-hidden />}
            onClick={openImport}
          >
            Import
          </Button>
          <ExportMenu
            filter={filter}
            filtered={filtered}
            total={total}
            exact={exact}
            everything={everything}
          />
          <MatchActions
            total={total}
            exact={exact}
            loading={query.isPlaceholderData || query.isPending}
            onBulkDelete={() =>
              total && openBulkDelete({ count: exact ? total : undefined, filter, conditions })
            }
          />
        </Group>
      </Group>
      <FilterBar filters={filters} />
      <div style={{ display: 'flex', flex: 1, minHeight: 0, gap: 'var(--mantine-spacing-sm)' }}>
        <Paper
          withBorder
          style={{
            width: wide ? 440 : undefined,
            flex: wide ? undefined : 1,
            flexShrink: 0,
            overflow: 'hidden',
            // Narrow window: the open conversation takes the place of the list (kept mounted, so its place stays).
            display: !wide && open ? 'none' : undefined,
          }}
        >
          <SessionList
            query={query}
            resetKey={JSON.stringify(listInput)}
            by={filters.by}
            filtered={filtered}
            onClearFilters={() => setFilters({ range: 'all', from: undefined, to: undefined, q: undefined })}
          />
        </Paper>
        <Paper
          withBorder
          style={{ flex: 1, minWidth: 0, overflow: 'hidden', display: !wide && !open ? 'none' : undefined }}
        >
          {open ? (
            <Suspense fallback={<Loader m="md" aria-label="Loading conversation" />}>
              <ConversationView
                key={sessionKeyOf(open)}
                flowId={open.flowId}
                sessionId={open.sessionId}
                onClose={() => openSession(undefined)}
              />
            </Suspense>
          ) : (
            <Empty
              mt={80}
              icon={<IconMessages aria-hidden />}
              title="No conversation open"
              description="Pick one from the list (arrow keys and Enter work too)."
            />
          )}
        </Paper>
      </div>
    </Stack>
  );
}
