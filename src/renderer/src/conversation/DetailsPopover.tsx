import { ActionIcon, Code, CopyButton, DataList, Group, Popover, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconInfoCircle } from '@tabler/icons-react';
import type { SessionSummary } from '../../../shared/schemas/sessions';
import { plural } from '../lib/count';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';

/** The open conversation's details behind an "i" button: session ID (with copy), flow, counts and dates. */
export function DetailsPopover({ summary }: { summary: SessionSummary }) {
  const { sessionId } = summary;
  return (
    // Not in a portal: the details belong to the conversation's region (fixed, so its border does not clip them).
    <Popover
      position="bottom-end"
      withinPortal={false}
      floatingStrategy="fixed"
      shadow="md"
      width={360}
      trapFocus
    >
      <Popover.Target>
        <Tooltip label="Details">
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label="Conversation details">
            <IconInfoCircle size={18} aria-hidden />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown aria-label="Conversation details">
        <DataList size="sm" gap={6} labelWidth={96}>
          <DataList.Item>
            <DataList.ItemLabel>Session ID</DataList.ItemLabel>
            <DataList.ItemValue>
              <Group gap={4} wrap="nowrap" align="flex-start">
                <Code data-testid="session-id" style={{ overflowWrap: 'anywhere' }}>
                  {sessionId}
                </Code>
                <CopyButton value={sessionId} timeout={1500}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy session ID'}>
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        color={copied ? 'teal' : 'gray'}
                        aria-label={copied ? 'Session ID copied' : 'Copy session ID'}
                        onClick={copy}
                      >
                        {copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              </Group>
            </DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Flow</DataList.ItemLabel>
            <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>
              {summary.flowName === summary.flowId
                ? summary.flowId
                : `${summary.flowName} (${summary.flowId})`}
            </DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Messages</DataList.ItemLabel>
            <DataList.ItemValue>{plural(summary.messageCount, 'message')}</DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Started</DataList.ItemLabel>
            <DataList.ItemValue>{absoluteTimeOf(summary.createdAt)}</DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Last activity</DataList.ItemLabel>
            <DataList.ItemValue title={absoluteTimeOf(summary.updatedAt)}>
              {relativeTimeOf(summary.updatedAt)}
            </DataList.ItemValue>
          </DataList.Item>
        </DataList>
      </Popover.Dropdown>
    </Popover>
  );
}
