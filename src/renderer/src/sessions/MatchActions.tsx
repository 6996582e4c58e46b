import { ActionIcon, Menu, Text } from '@mantine/core';
import { IconDots, IconTrash } from '@tabler/icons-react';
import { matchCount } from '../lib/count';
import { HoverTooltip } from '../lib/HoverTooltip';

/** How many conversations the list matches. */
export function MatchCount({ total, exact }: { total: number | undefined; exact: boolean }) {
  return (
    <Text size="sm" c="dimmed" aria-live="polite" data-testid="match-count" style={{ whiteSpace: 'nowrap' }}>
      {total === undefined ? '' : matchCount(total, exact)}
    </Text>
  );
}

/**
 * The list's "More list actions" menu: "Delete N matching", saying which filter it applies
 * (or that there is none, so it means every conversation).
 */
export function ListActionsMenu({
  total,
  exact,
  loading,
  conditions,
  onDeleteMatching,
}: {
  total: number | undefined;
  /** False: `total` is only a lower bound (a search word in very many messages); the dialog counts. */
  exact: boolean;
  loading: boolean;
  /** The active filter in words, e.g. “in the flow “Support””; empty: no filter. */
  conditions: string[];
  onDeleteMatching: () => void;
}) {
  const label =
    total === undefined || !exact ? 'Delete matching' : `Delete ${total.toLocaleString()} matching`;
  const scope = conditions.length
    ? `Conversations ${conditions.join(', ')}`
    : 'No filter: every conversation';
  return (
    // No focus placeholder (role=presentation): a menu may hold only menu items (axe).
    <Menu position="bottom-end" withinPortal width={300} withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <HoverTooltip label="More list actions">
          <ActionIcon variant="default" size="lg" aria-label="More list actions">
            <IconDots size={18} aria-hidden />
          </ActionIcon>
        </HoverTooltip>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{conditions.length ? 'The current filter' : 'No filter set'}</Menu.Label>
        <Menu.Item
          // Mantine's red item text falls below 4.5:1 on its hover colour: the icon carries the red.
          leftSection={<IconTrash size={16} color="var(--mantine-color-red-filled)" aria-hidden />}
          disabled={!total || loading}
          onClick={onDeleteMatching}
        >
          <Text size="sm" inherit>
            {label}…
          </Text>
          <Text size="xs" lineClamp={2} data-testid="delete-matching-scope">
            {scope}
          </Text>
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
