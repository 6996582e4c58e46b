import { Alert, Box, Button, Divider, Loader, Stack } from '@mantine/core';
import { useCallback, useState } from 'react';
import { ApiError } from '../../../shared/api-error';
import { Empty } from '../lib/Empty';
import { Composer, type PendingTurn } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { isStarting } from './drafts';
import { ConversationFind } from './find/ConversationFind';
import { MessageList } from './MessageList';
import { NewConversationHeader } from './NewConversationHeader';
import { useMessagePages } from './useMessagePages';

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
  const query = useMessagePages(flowId, sessionId);
  const [pending, setPending] = useState<PendingTurn>();
  // Started from "New conversation": nothing is stored until its first answer is complete.
  const [isNew] = useState(() => isStarting(flowId, sessionId));
  const pages = query.data?.pages;
  const summary = pages?.[0];
  const { fetchNextPage } = query;
  const loadOlder = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const [scrollTo, setScrollTo] = useState<{ messageId: string; request: number }>();
  const jumpTo = useCallback(
    (messageId: string) => setScrollTo((before) => ({ messageId, request: (before?.request ?? 0) + 1 })),
    [],
  );

  if (query.isPending) {
    return (
      <Stack align="center" justify="center" h="100%" role="status" aria-label="Loading conversation">
        <Loader />
      </Stack>
    );
  }
  if (query.isError && !summary && !isNew) {
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
  if (!summary && !isNew) return null;
  const newest = pages?.[0]?.messages[0];

  // The same children in both cases, so the composer keeps its state when the first answer is stored.
  return (
    <Stack
      h="100%"
      gap={0}
      component="section"
      aria-label={`Conversation ${summary?.title ?? 'New conversation'}`}
    >
      {summary ? (
        <ConversationHeader summary={summary} onClose={onClose} />
      ) : (
        <NewConversationHeader flowId={flowId} onClose={onClose} />
      )}
      <Divider />
      {summary && (
        <ConversationFind
          flowId={flowId}
          sessionId={sessionId}
          loaded={(pages ?? NO_PAGES).reduce((n, page) => n + page.messages.length, 0)}
          hasOlder={query.hasNextPage}
          loadingOlder={query.isFetchingNextPage}
          loadOlder={loadOlder}
          onJump={jumpTo}
        />
      )}
      <MessageList
        pages={pages ?? NO_PAGES}
        hasOlder={query.hasNextPage}
        loadingOlder={query.isFetchingNextPage}
        busy={query.isFetching}
        loadOlder={loadOlder}
        pending={pending}
        scrollTo={scrollTo}
      />
      <Divider />
      <Box px="md" py="xs">
        <Composer
          flowId={flowId}
          sessionId={sessionId}
          lastAnswerId={newest?.role === 'assistant' ? newest.id : undefined}
          onPending={setPending}
        />
      </Box>
    </Stack>
  );
}

const NO_PAGES: ReadonlyArray<{ messages: [] }> = [];
