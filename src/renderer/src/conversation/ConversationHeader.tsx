import { ActionIcon, Badge, Box, Code, CopyButton, Group, Menu, Text, Title, Tooltip } from '@mantine/core';
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
import { useState } from 'react';
import type { SessionSummary } from '../../../shared/schemas/sessions';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';
import { useDeleteSession } from '../sessions/useDeleteSession';
import { openExport } from '../transfer/ExportDialog';
import { RenameForm } from './RenameForm';

/** The open conversation's title, details and actions (rename, export, delete, close). */
export function ConversationHeader({ summary, onClose }: { summary: SessionSummary; onClose: () => void }) {
  const { flowId, sessionId } = summary;
  const [renaming, setRenaming] = useState(false);
  const deleteSession = useDeleteSession();
  return (
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
  );
}
