import { Alert, Box, Button, Divider, Loader, Stack } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-error';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { Empty } from '../lib/Empty';
import { Composer, type PendingTurn } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { MessageItem } from './MessageItem';

const PAGE = 500;

/** One conversation: its messages, rename, copy id, delete, and the composer to continue it. */
export default function ConversationView({
  flowId,
  sessionId,
  onClose,
}: {
  flowId: string;
  sessionId: string;
  onClose: () => void;
}) {
  const { api } = useApi();
  const query = useInfiniteQuery({
    queryKey: queryKeys.session(flowId, sessionId),
    queryFn: ({ pageParam }) => api.getSession({ flowId, sessionId, limit: PAGE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const [pending, setPending] = useState<PendingTurn>();
  const messages = useMemo(() => query.data?.pages.flatMap((page) => page.messages) ?? [], [query.data]);
  const summary = query.data?.pages[0];

  // Follow the end of the conversation (new messages, a streaming answer, late layout) unless the person scrolled up.
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const followEnd = useCallback((content: HTMLDivElement | null) => {
    if (!content) return;
    const observer = new ResizeObserver(() => {
      const el = scroller.current;
      if (el && atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  if (query.isPending) {
    return (
      <Stack align="center" justify="center" h="100%" role="status" aria-label="Loading conversation">
        <Loader />
      </Stack>
    );
  }
  if (query.isError && !summary) {
    const gone = query.error instanceof ApiError && query.error.status === 404;
    return gone ? (
      <Empty
        mt={80}
        title="This conversation no longer exists"
        description="It was deleted or moved to the trash."
        actions={
          <Button variant="light" onClick={onClose}>
            Close
          </Button>
        }
      />
    ) : (
      <Box p="md">
        <Alert color="red" role="alert" title="The conversation could not be loaded">
          {query.error.message}
        </Alert>
      </Box>
    );
  }
  if (!summary) return null;

  return (
    <Stack h="100%" gap={0} component="section" aria-label={`Conversation ${summary.title}`}>
      <ConversationHeader summary={summary} onClose={onClose} />
      <Divider />
      <Box
        ref={scroller}
        data-testid="message-pane"
        style={{ flex: 1, minHeight: 0, overflowY: 'auto' }}
        p="md"
        onScroll={(event) => {
          const el = event.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        <Stack ref={followEnd} gap="sm" aria-label="Messages" role="feed" aria-busy={!!pending}>
          {messages.map((message) => (
            <MessageItem
              key={message.id}
              author={message.role}
              content={message.content}
              createdAt={message.createdAt}
              chatType={message.chatType}
            />
          ))}
          {query.hasNextPage && (
            <Button
              variant="light"
              onClick={() => void query.fetchNextPage()}
              loading={query.isFetchingNextPage}
              style={{ alignSelf: 'center' }}
            >
              Show more messages
            </Button>
          )}
          {pending && (
            <>
              <MessageItem author="user" content={pending.question} />
              <div aria-live="polite" data-testid="streaming-answer">
                <MessageItem author="assistant" content={pending.answer || '…'} streaming />
              </div>
            </>
          )}
        </Stack>
      </Box>
      <Divider />
      <Box p="md" pt="sm">
        <Composer flowId={flowId} sessionId={sessionId} onPending={setPending} />
      </Box>
    </Stack>
  );
}
