import { Badge } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useApi } from '../api/context';
import type { EventStatus } from '../api/events';
import { HoverTooltip } from '../lib/HoverTooltip';

const LABELS: Record<EventStatus, { text: string; color: string; hint: string }> = {
  live: { text: 'Live', color: 'teal', hint: 'Changes made by scripts appear as they happen' },
  connecting: { text: 'Connecting', color: 'yellow', hint: 'Connecting to live updates…' },
  offline: { text: 'Offline', color: 'gray', hint: 'Live updates are off; retrying' },
};

/** Whether live updates reach this window. */
export function LiveBadge() {
  const { events } = useApi();
  const [status, setStatus] = useState(events.status());
  useEffect(() => {
    setStatus(events.status());
    return events.onStatus(setStatus);
  }, [events]);
  const label = LABELS[status];
  return (
    <HoverTooltip label={label.hint}>
      <Badge variant="dot" color={label.color} role="status" aria-label={`Live updates: ${label.text}`}>
        {label.text}
      </Badge>
    </HoverTooltip>
  );
}
