import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Code,
  CopyButton,
  Divider,
  Group,
  Loader,
  Menu,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  IconBraces,
  IconCheck,
  IconCopy,
  IconDownload,
  IconMarkdown,
  IconPencil,
  IconTrash,
  IconX,
} from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-error';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { Empty } from '../lib/Empty';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';
import { useDeleteSession } from '../sessions/useDeleteSession';
import { openExport } from '../transfer/ExportDialog';
import { Composer, type PendingTurn } from './Composer';
import { MessageItem } from './MessageItem';
import { RenameForm } from './RenameForm';

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
  const [renaming, setRenaming] = useState(false);
  const [pending, setPending] = useState<PendingTurn>();
  const deleteSession = useDeleteSession();
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
      <Box p="md" pb="sm">
        {renaming ? (
          <RenameForm
            flowId={flowId}
            sessionId={sessionId}
            title={summary.title}
            onDone={() => setRenaming(false)}
          />
        ) : (
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Title order={2} size="h3" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
              {summary.title}
            </Title>
            <Group gap={4} wrap="nowrap">
              <Tooltip label="Rename">
                <ActionIcon
                  variant="subtle"
                  size="lg"
                  aria-label="Rename conversation"
                  onClick={() => setRenaming(true)}
                >
                  <IconPencil size={18} aria-hidden />
                </ActionIcon>
              </Tooltip>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Tooltip label="Export this conversation">
                    <ActionIcon variant="subtle" size="lg" aria-label="Export conversation">
                      <IconDownload size={18} aria-hidden />
                    </ActionIcon>
                  </Tooltip>
                </Menu.Target>
                <Menu.Dropdown>
                  {(['json', 'markdown'] as const).map((format) => (
                    <Menu.Item
                      key={format}
                      leftSection={
                        format === 'json' ? (
                          <IconBraces size={16} aria-hidden />
                        ) : (
                          <IconMarkdown size={16} aria-hidden />
                        )
                      }
                      onClick={() =>
                        openExport({
                          query: { format, flowId, sessionId },
                          what: 'this conversation',
                          total: 1,
                        })
                      }
                    >
                      {format === 'json' ? 'As JSON (importable)' : 'As Markdown (readable)'}
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
              <Tooltip label="Delete (moves to the trash)">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  aria-label="Delete conversation"
                  onClick={async () => {
                    if (await deleteSession(summary)) onClose();
                  }}
                >
                  <IconTrash size={18} aria-hidden />
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Close">
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="lg"
                  aria-label="Close conversation"
                  onClick={onClose}
                >
                  <IconX size={18} aria-hidden />
                </ActionIcon>
              </Tooltip>
            </Group>
          </Group>
        )}
        <Group gap="xs" mt={6} wrap="wrap">
          <Badge variant="light" tt="none">
            {summary.flowName}
          </Badge>
          <Text size="xs" c="dimmed">
            {summary.messageCount.toLocaleString()} message{summary.messageCount === 1 ? '' : 's'} · started{' '}
            {absoluteTimeOf(summary.createdAt)} · last activity {relativeTimeOf(summary.updatedAt)}
          </Text>
        </Group>
        <Group gap={6} mt={6} wrap="nowrap">
          <Text size="xs" c="dimmed">
            Session ID
          </Text>
          <Code data-testid="session-id" style={{ overflowWrap: 'anywhere' }}>
            {sessionId}
          </Code>
          <CopyButton value={sessionId} timeout={1500}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy session ID'}>
                <ActionIcon
                  variant="subtle"
                  color={copied ? 'teal' : 'gray'}
                  aria-label={copied ? 'Session ID copied' : 'Copy session ID'}
                  onClick={copy}
                >
                  {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Box>
      <Divider />
      <Box
        ref={scroller}
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
