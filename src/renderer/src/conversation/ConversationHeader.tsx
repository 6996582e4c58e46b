import { ActionIcon, Badge, Box, Group, Menu, Title, Tooltip } from '@mantine/core';
import {
  IconArrowLeft,
  IconBraces,
  IconDownload,
  IconMarkdown,
  IconPencil,
  IconTrash,
  IconX,
} from '@tabler/icons-react';
import { useState } from 'react';
import type { SessionSummary } from '../../../shared/schemas/sessions';
import { useWide } from '../layout/breakpoint';
import { useDeleteSession } from '../sessions/useDeleteSession';
import { openExport } from '../transfer/ExportDialog';
import { DetailsPopover } from './DetailsPopover';
import { RenameForm } from './RenameForm';

/**
 * The open conversation's one-line header: (narrow: Back), title, flow, and icon actions
 * (details, rename, export, delete, close).
 */
export function ConversationHeader({ summary, onClose }: { summary: SessionSummary; onClose: () => void }) {
  const { flowId, sessionId } = summary;
  const [renaming, setRenaming] = useState(false);
  const deleteSession = useDeleteSession();
  const wide = useWide();
  if (renaming) {
    return (
      <Box px="sm" py={8}>
        <RenameForm
          flowId={flowId}
          sessionId={sessionId}
          title={summary.title}
          onDone={() => setRenaming(false)}
        />
      </Box>
    );
  }
  return (
    <Group px="sm" py={8} gap="xs" wrap="nowrap" mih={52}>
      {!wide && (
        <Tooltip label="Back to the list">
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label="Back to the list" onClick={onClose}>
            <IconArrowLeft size={18} aria-hidden />
          </ActionIcon>
        </Tooltip>
      )}
      <Group gap="xs" wrap="nowrap" style={{ flex: 1, minWidth: 0 }}>
        <Title
          order={2}
          size="h4"
          title={summary.title}
          style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
        >
          {summary.title}
        </Title>
        <Badge variant="light" tt="none" maw={160} style={{ flexShrink: 0 }} title={summary.flowName}>
          {summary.flowName}
        </Badge>
      </Group>
      <Group gap={2} wrap="nowrap" style={{ flexShrink: 0 }}>
        <DetailsPopover summary={summary} />
        <Tooltip label="Rename">
          <ActionIcon
            variant="subtle"
            color="gray"
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
              <ActionIcon variant="subtle" color="gray" size="lg" aria-label="Export conversation">
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
                  openExport({ query: { format, flowId, sessionId }, what: 'this conversation', total: 1 })
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
        {wide && (
          <Tooltip label="Close (Esc)">
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
        )}
      </Group>
    </Group>
  );
}
