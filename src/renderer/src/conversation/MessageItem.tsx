import { Badge, Button, Group, Loader, Paper, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import type { Role } from '../../../shared/schemas/common';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';
import { CopyIconButton } from './CopyIconButton';
import { isLong, MessageBody } from './MessageBody';
import classes from './MessageItem.module.css';

const ROLE: Record<Role, { label: string; color: string }> = {
  user: { label: 'User', color: 'blue' },
  assistant: { label: 'Assistant', color: 'teal' },
  system: { label: 'System', color: 'gray' },
};

interface Props {
  author: Role;
  content: string;
  createdAt?: string;
  chatType?: string;
  streaming?: boolean;
}

/** One message: who, when, its text as Markdown (or raw), and buttons to copy it or show it raw. */
export function MessageItem({ author, content, createdAt, chatType, streaming }: Props) {
  const r = ROLE[author];
  const [raw, setRaw] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const long = isLong(content);
  return (
    <Paper
      component="article"
      aria-label={`${r.label} message${createdAt ? `, ${absoluteTimeOf(createdAt)}` : ''}`}
      className={classes.message}
      withBorder
      p="sm"
      radius="md"
      ml={author === 'user' ? 48 : 0}
      mr={author === 'user' ? 0 : 48}
      style={{ borderLeft: `3px solid var(--mantine-color-${r.color}-filled)` }}
    >
      <Group gap="xs" mb={4}>
        <Badge size="sm" variant="light" color={r.color}>
          {r.label}
        </Badge>
        {createdAt && (
          <Text size="xs" c="dimmed" title={absoluteTimeOf(createdAt)}>
            {absoluteTimeOf(createdAt)} · {relativeTimeOf(createdAt)}
          </Text>
        )}
        {chatType === 'INTERNAL' && (
          <Text size="xs" c="dimmed">
            · from this window
          </Text>
        )}
        {streaming && <Loader size={12} type="dots" aria-label="Answer streaming" />}
        <Group gap={4} className={classes.actions} data-shown={long || raw || undefined}>
          <Tooltip label={raw ? 'Show formatted' : 'Show the plain text'} withArrow>
            <Button
              size="compact-xs"
              variant={raw ? 'light' : 'subtle'}
              aria-pressed={raw}
              onClick={() => setRaw(!raw)}
            >
              Raw
            </Button>
          </Tooltip>
          <CopyIconButton value={content} label="Copy message" copiedLabel="Message copied" />
        </Group>
      </Group>
      <MessageBody content={content} raw={raw} expanded={expanded} onExpandedChange={setExpanded} />
    </Paper>
  );
}
