import { Badge, Group, Loader, Paper, Text } from '@mantine/core';
import type { Role } from '../../../shared/schemas/common';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';
import { Markdown } from './Markdown';

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

/** One message: who, when, and its text as Markdown. */
export function MessageItem({ author, content, createdAt, chatType, streaming }: Props) {
  const r = ROLE[author];
  return (
    <Paper
      component="article"
      aria-label={`${r.label} message${createdAt ? `, ${absoluteTimeOf(createdAt)}` : ''}`}
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
      </Group>
      <Markdown text={content} />
    </Paper>
  );
}
