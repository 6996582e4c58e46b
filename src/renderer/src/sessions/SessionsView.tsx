import { Loader, Paper } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type CSSProperties, lazy, Suspense } from 'react';
import { useApi } from '../api/context';
import { FIRST_PAGE, NEXT_PAGE, queryKeys } from '../api/queries';
import { useWide } from '../layout/breakpoint';
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
import { closeSession, useOpenSession } from '../state/view';
import { ExportMenu } from '../transfer/ExportMenu';
import { openBulkDelete } from './BulkDelete';
import { CompactFilters } from './CompactFilters';
import { FilterBar } from './FilterBar';
import { ListHeader } from './ListHeader';
import { ListActionsMenu, MatchCount } from './MatchActions';
import { SessionList } from './SessionList';
import { sessionKeyOf } from './SessionRow';
import { useEscapeCloses } from './useEscapeCloses';

const ConversationView = lazy(() => import('../conversation/ConversationView'));

/**
 * The list of conversations with its filters, and the open conversation: side by side on a wide
 * window (the list's title and filters fold into its column, so the conversation gets the full
 * height), one at a time on a narrow one. The grid's children stay mounted whichever layout
 * shows, so the list keeps its scroll position and the conversation its state.
 */
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
  const wide = useWide();
  useEscapeCloses(open ? closeSession : undefined);
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

  const layout = wide ? (open ? 'side' : 'wide') : open ? 'conversation' : 'list';
  const side = layout === 'side';
  const count = <MatchCount total={total} exact={exact} />;
  const listMenu = (
    <ListActionsMenu
      total={total}
      exact={exact}
      loading={query.isPlaceholderData || query.isPending}
      conditions={conditions}
      onDeleteMatching={() =>
        total && openBulkDelete({ count: exact ? total : undefined, filter, conditions })
      }
    />
  );

  return (
    <div style={{ ...GRID[layout], display: 'grid', height: '100%', gap: 'var(--mantine-spacing-sm)' }}>
      <div style={{ gridArea: 'head', minWidth: 0, display: layout === 'conversation' ? 'none' : undefined }}>
        <ListHeader
          title={flowName ?? 'All flows'}
          search={filter.q}
          refreshing={query.isFetching && !query.isPending}
          iconOnly={side}
          exportMenu={
            <ExportMenu
              filter={filter}
              filtered={filtered}
              total={total}
              exact={exact}
              everything={everything}
              iconOnly={side}
            />
          }
          // Beside a conversation the count goes to the filters' row.
          end={
            side ? (
              listMenu
            ) : (
              <>
                {count}
                {listMenu}
              </>
            )
          }
        />
      </div>
      <div
        style={{ gridArea: 'filters', minWidth: 0, display: layout === 'conversation' ? 'none' : undefined }}
      >
        {/* The full filter bar only where there is room for it and the list beside it. */}
        {layout === 'wide' ? (
          <FilterBar filters={filters} />
        ) : (
          <CompactFilters filters={filters} end={side ? count : undefined} />
        )}
      </div>
      <Paper
        withBorder
        style={{
          gridArea: 'list',
          minWidth: 0,
          minHeight: 0,
          overflow: 'hidden',
          display: layout === 'conversation' ? 'none' : undefined,
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
        style={{
          gridArea: 'open',
          minWidth: 0,
          minHeight: 0,
          overflow: 'hidden',
          display: layout === 'list' ? 'none' : undefined,
        }}
      >
        {open ? (
          <Suspense fallback={<Loader m="md" aria-label="Loading conversation" />}>
            <ConversationView
              key={sessionKeyOf(open)}
              flowId={open.flowId}
              sessionId={open.sessionId}
              onClose={closeSession}
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
  );
}

/** Where the title row, the filters, the list and the open conversation (or its placeholder) go. */
const GRID: Record<'wide' | 'side' | 'list' | 'conversation', CSSProperties> = {
  wide: {
    gridTemplateAreas: '"head head" "filters filters" "list open"',
    gridTemplateColumns: 'minmax(320px, 440px) minmax(0, 1fr)',
    gridTemplateRows: 'auto auto minmax(0, 1fr)',
  },
  side: {
    gridTemplateAreas: '"head open" "filters open" "list open"',
    gridTemplateColumns: 'clamp(300px, 36%, 420px) minmax(0, 1fr)',
    gridTemplateRows: 'auto auto minmax(0, 1fr)',
  },
  list: {
    gridTemplateAreas: '"head" "filters" "list"',
    gridTemplateColumns: 'minmax(0, 1fr)',
    gridTemplateRows: 'auto auto minmax(0, 1fr)',
  },
  // The others are hidden (display: none), so they take no place.
  conversation: {
    gridTemplateAreas: '"open"',
    gridTemplateColumns: 'minmax(0, 1fr)',
    gridTemplateRows: 'minmax(0, 1fr)',
  },
};
