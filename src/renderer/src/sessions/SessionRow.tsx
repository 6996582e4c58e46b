import { Badge, Group, Skeleton, Text } from '@mantine/core';
import { memo } from 'react';
import type { SessionSummary } from '../../../shared/schemas/sessions';
import { Highlighted } from '../lib/Highlighted';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';
import classes from './SessionRow.module.css';

export const ROW_HEIGHT = 92;

export const sessionKeyOf = (s: Pick<SessionSummary, 'flowId' | 'sessionId'>) =>
  JSON.stringify([s.flowId, s.sessionId]);

interface RowProps {
  session: SessionSummary;
  index: number;
  /** Offset from the top of the list, px. */
  start: number;
  setSize: number;
  active: boolean;
  open: boolean;
  by: 'updated' | 'created';
  onSelect: (index: number, session: SessionSummary) => void;
}

const place = (start: number) => ({ height: ROW_HEIGHT, transform: `translateY(${start}px)` });

/** One conversation in the list: title, flow, preview (or the search match), count and times. */
export const SessionRow = memo(function SessionRow({
  session,
  index,
  start,
  setSize,
  active,
  open,
  by,
  onSelect,
}: RowProps) {
  const time = by === 'created' ? session.createdAt : session.updatedAt;
  const timeLabel = by === 'created' ? 'created' : 'last activity';
  const messages = `${session.messageCount.toLocaleString()} message${session.messageCount === 1 ? '' : 's'}`;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox around the rows handles the keys (arrows, Enter, Delete)
    <div
      id={`session-row-${index}`}
      role="option"
      tabIndex={-1}
      aria-selected={open}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      aria-label={`${session.title}, ${session.flowName}, ${messages}, ${timeLabel} ${relativeTimeOf(time)}`}
      data-active={active || undefined}
      data-open={open || undefined}
      className={classes.row}
      style={place(start)}
      onClick={() => onSelect(index, session)}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={600} size="sm" truncate="end" className={classes.title} data-testid="row-title">
          {session.title}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }} title={absoluteTimeOf(time)}>
          {relativeTimeOf(time)}
        </Text>
      </Group>
      <Text size="sm" c="dimmed" lineClamp={1} className={classes.preview} data-testid="row-preview">
        {session.snippet ? <Highlighted snippet={session.snippet} /> : session.preview}
      </Text>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <Badge size="xs" variant="light" tt="none" style={{ flexShrink: 1, minWidth: 0 }}>
            {session.flowName}
          </Badge>
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {messages}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {absoluteTimeOf(time)}
        </Text>
      </Group>
    </div>
  );
});

/** A row whose page has not arrived yet. */
export function PendingRow({ start }: { start: number }) {
  return (
    <div className={classes.row} style={place(start)} aria-hidden>
      <Skeleton h={14} w="60%" mb={8} />
      <Skeleton h={12} w="90%" mb={8} />
      <Skeleton h={10} w="40%" />
    </div>
  );
}
