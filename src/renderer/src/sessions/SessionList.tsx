import { Alert, Box, Button, Loader, Stack } from '@mantine/core';
import { IconMessageOff, IconSearchOff } from '@tabler/icons-react';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SessionList as SessionPage, SessionSummary } from '../../../shared/schemas/sessions';
import { noteRowsInView } from '../api/queries';
import { Empty } from '../lib/Empty';
import { openSession, useOpenSession } from '../state/view';
import { openNewConversation } from './newConversation';
import { PendingRow, ROW_HEIGHT, SessionRow, sessionKeyOf } from './SessionRow';
import { useDeleteSession } from './useDeleteSession';
import { useFixedRows } from './useFixedRows';

interface Props {
  query: UseInfiniteQueryResult<InfiniteData<SessionPage, unknown>>;
  /** Changes with the filters: the list then starts at the top again. */
  resetKey: string;
  by: 'updated' | 'created';
  filtered: boolean;
  onClearFilters: () => void;
}

const PREFETCH_ROWS = 40;

/**
 * Every matching conversation in one virtualized listbox: only the rows on screen exist,
 * pages load by cursor as they come into view. Arrows move, Enter opens, Delete deletes.
 */
export function SessionList({ query, resetKey, by, filtered, onClearFilters }: Props) {
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;
  const count = query.hasNextPage ? Math.max(total, rows.length + 1) : rows.length;
  const open = useOpenSession();
  const openKey = open ? sessionKeyOf(open) : undefined;
  const [active, setActive] = useState(0);
  const deleteSession = useDeleteSession();
  const list = useFixedRows(count, ROW_HEIGHT, 10);
  const items = list.rows;
  const lastIndex = items.at(-1)?.index ?? 0;

  // A new filter starts at the top. Not on the first render: setting scrollTop forces a layout
  // before the first rows can paint (about 40 ms of a profiled load), and a new list is at the top.
  const shownKey = useRef(resetKey);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new filter moves the list
  useEffect(() => {
    if (shownKey.current === resetKey) return;
    shownKey.current = resetKey;
    setActive(0);
    list.scrollToTop();
  }, [resetKey]);

  // Load the next page when its rows come near the screen (again and again while scrolling to the end).
  useEffect(() => {
    noteRowsInView(lastIndex + 1);
    if (lastIndex >= rows.length - PREFETCH_ROWS && query.hasNextPage && !query.isFetching) {
      void query.fetchNextPage();
    }
  }, [lastIndex, rows.length, query.hasNextPage, query.isFetching, query.fetchNextPage]);

  const activeIndex = Math.min(active, Math.max(count - 1, 0));
  const move = (index: number) => {
    const next = Math.max(0, Math.min(index, count - 1));
    setActive(next);
    list.scrollToIndex(next);
  };
  const pageRows = Math.max(1, list.rowsInView - 1);

  const select = useCallback((index: number, session: SessionSummary) => {
    setActive(index);
    openSession(session);
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const row: SessionSummary | undefined = rows[activeIndex];
    switch (event.key) {
      case 'ArrowDown':
        move(activeIndex + 1);
        break;
      case 'ArrowUp':
        move(activeIndex - 1);
        break;
      case 'PageDown':
        move(activeIndex + pageRows);
        break;
      case 'PageUp':
        move(activeIndex - pageRows);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(count - 1);
        break;
      case 'Enter':
        if (row) openSession(row);
        break;
      case 'Delete':
        if (row) {
          if (openKey === sessionKeyOf(row)) openSession(undefined);
          void deleteSession(row);
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  if (query.isPending) {
    return (
      <Stack align="center" justify="center" h="100%" role="status" aria-label="Loading conversations">
        <Loader />
      </Stack>
    );
  }
  if (query.isError && !query.data) {
    return (
      <Box p="md">
        <Alert color="red" title="The conversations could not be loaded" role="alert">
          {query.error.message}
          <Button mt="sm" size="xs" variant="light" color="red" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Alert>
      </Box>
    );
  }
  if (count === 0) {
    return filtered ? (
      <Empty
        icon={<IconSearchOff aria-hidden />}
        title="No conversation matches"
        description="Nothing in this date range, flow or search."
        actions={
          <Button variant="light" onClick={onClearFilters}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <Empty
        icon={<IconMessageOff aria-hidden />}
        title="No conversations yet"
        description="Start one here, or store a message through the API: it appears at once."
        actions={
          <Button variant="light" onClick={() => openNewConversation()}>
            Start a conversation
          </Button>
        }
      />
    );
  }

  const activeId = rows[activeIndex] ? `session-row-${activeIndex}` : undefined;
  return (
    <div
      ref={list.ref}
      role="listbox"
      tabIndex={0}
      aria-label="Conversations"
      aria-activedescendant={activeId}
      aria-busy={query.isFetchingNextPage}
      className="mnemo-listbox"
      style={{ height: '100%', overflowY: 'auto', outline: 'none', contain: 'strict' }}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: list.totalHeight, position: 'relative' }}>
        {items.map((item) => {
          const session = rows[item.index];
          if (!session) return <PendingRow key={item.index} start={item.start} />;
          return (
            <SessionRow
              key={item.index}
              index={item.index}
              start={item.start}
              setSize={count}
              session={session}
              by={by}
              active={item.index === activeIndex}
              open={openKey === sessionKeyOf(session)}
              onSelect={select}
            />
          );
        })}
      </div>
    </div>
  );
}
