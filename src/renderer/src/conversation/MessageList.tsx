import { Box, Loader } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Message } from '../../../shared/schemas/sessions';
import type { PendingTurn } from './Composer';
import { JumpToNewest } from './JumpToNewest';
import { MessageItem } from './MessageItem';
import { estimateRowHeight, type MessageRow, toRows } from './messageRows';

/** Within this many pixels of the end counts as reading the newest message (it is followed). */
const AT_END_PX = 80;
const ROW_GAP = 12;
const EDGE_PX = 16;

interface Props {
  /** The loaded pages, newest first, as the server sent them. */
  pages: ReadonlyArray<{ messages: Message[] }>;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** True while any page is being read: no older page is asked for then. */
  busy: boolean;
  loadOlder: () => void;
  /** The turn the composer is sending: the question and the answer as it streams. */
  pending: PendingTurn | undefined;
  /** Bring this message into view (find/): a new `request` scrolls again. */
  scrollTo?: { messageId: string; request: number };
}

/**
 * The messages of one conversation, virtualized: only the rows near the screen exist. It
 * opens at the newest message, loads older pages as the top comes near while the message
 * being read stays where it is, and follows new messages only when already at the end.
 */
export function MessageList({ pages, hasOlder, loadingOlder, busy, loadOlder, pending, scrollTo }: Props) {
  const rows = useMemo(() => toRows(pages, pending), [pages, pending]);
  const scroller = useRef<HTMLDivElement>(null);
  const getItemKey = useCallback((index: number) => rows[index]?.key ?? index, [rows]);
  const estimateSize = useCallback((index: number) => estimateRowHeight(rows[index]), [rows]);

  // anchorTo 'end' keeps the row being read in place when older rows are put above it, and
  // keeps the end pinned while the last row grows (a streamed answer, late highlighting).
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    getItemKey,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: AT_END_PX,
    overscan: 6,
    gap: ROW_GAP,
    paddingStart: EDGE_PX,
    paddingEnd: EDGE_PX,
  });

  const [atEnd, setAtEnd] = useState(true);
  const [unseen, setUnseen] = useState(false);
  const opened = useRef(false);

  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
    opened.current = true;
  }, [virtualizer]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a scroll request is acted on once, with the rows of that moment
  useEffect(() => {
    if (!scrollTo) return;
    const index = rows.findIndex((row) => row.kind === 'message' && row.message.id === scrollTo.messageId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
  }, [scrollTo]);

  const maybeLoadOlder = useCallback(() => {
    const el = scroller.current;
    if (!el || !opened.current || !hasOlder || busy) return;
    // A screen ahead of the top, so scrolling up rarely has to wait.
    if (el.scrollTop < el.clientHeight) loadOlder();
  }, [hasOlder, busy, loadOlder]);

  // A page that just arrived may leave the top still near (short messages): ask again.
  useEffect(maybeLoadOlder, [maybeLoadOlder]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const end = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_PX;
    setAtEnd(end);
    if (end) setUnseen(false);
    maybeLoadOlder();
  };

  // A message that arrives while the person reads further up waits below: say so.
  const newestKey = rows.findLast((row) => row.kind === 'message')?.key;
  const previousNewest = useRef(newestKey);
  useEffect(() => {
    if (newestKey !== previousNewest.current && !atEnd) setUnseen(true);
    previousNewest.current = newestKey;
  }, [newestKey, atEnd]);

  const items = virtualizer.getVirtualItems();
  return (
    <Box pos="relative" style={{ flex: 1, minHeight: 0 }}>
      <div
        ref={scroller}
        data-testid="message-pane"
        role="feed"
        aria-label="Messages"
        aria-busy={!!pending || loadingOlder}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so the keyboard can scroll it (arrows, Page Up/Down, Home/End)
        tabIndex={0}
        onScroll={onScroll}
        style={{ height: '100%', overflowY: 'auto', overflowAnchor: 'none', contain: 'strict' }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', marginInline: 16 }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                data-message-id={row.kind === 'message' ? row.message.id : undefined}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <Row row={row} />
              </div>
            );
          })}
        </div>
      </div>
      {loadingOlder && (
        <Box
          pos="absolute"
          top={8}
          left={0}
          right={0}
          style={{ display: 'flex', justifyContent: 'center', pointerEvents: 'none' }}
        >
          <Loader size="sm" type="dots" role="status" aria-label="Loading older messages" />
        </Box>
      )}
      {!atEnd && (
        <JumpToNewest
          unseen={unseen}
          onJump={() => {
            setUnseen(false);
            virtualizer.scrollToEnd();
          }}
        />
      )}
    </Box>
  );
}

const textOf = (row: MessageRow) => (row.kind === 'message' ? row.message.content : row.content);

/** Rows are rebuilt on every page or live refresh; a message that did not change is not rendered again. */
const Row = memo(
  function Row({ row }: { row: MessageRow }) {
    switch (row.kind) {
      case 'message':
        return (
          <MessageItem
            author={row.message.role}
            content={row.message.content}
            createdAt={row.message.createdAt}
            chatType={row.message.chatType}
          />
        );
      case 'question':
        return <MessageItem author="user" content={row.content} />;
      case 'answer':
        return (
          <div aria-live="polite" data-testid="streaming-answer">
            <MessageItem author="assistant" content={row.content} streaming />
          </div>
        );
    }
  },
  (before, after) => before.row.key === after.row.key && textOf(before.row) === textOf(after.row),
);
