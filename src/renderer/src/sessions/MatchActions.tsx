import { ActionIcon, Button, Text, Tooltip } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { matchCount } from '../lib/count';

/** How many conversations the list matches. */
export function MatchCount({ total, exact }: { total: number | undefined; exact: boolean }) {
  return (
    <Text size="sm" c="dimmed" aria-live="polite" data-testid="match-count" style={{ whiteSpace: 'nowrap' }}>
      {total === undefined ? '' : matchCount(total, exact)}
    </Text>
  );
}

/** "Delete N matching" (`iconOnly`: an icon button of that name, the words in its tooltip). */
export function DeleteMatching({
  total,
  exact,
  loading,
  iconOnly = false,
  onClick,
}: {
  total: number | undefined;
  /** False: `total` is only a lower bound (a search word in very many messages); the dialog counts. */
  exact: boolean;
  loading: boolean;
  iconOnly?: boolean;
  onClick: () => void;
}) {
  const label =
    total === undefined || !exact ? 'Delete matching' : `Delete ${total.toLocaleString()} matching`;
  const disabled = !total || loading;
  return iconOnly ? (
    <Tooltip label={`${label} (moves them to the trash)`}>
      <ActionIcon
        variant="light"
        color="red"
        size="lg"
        aria-label={label}
        disabled={disabled}
        onClick={onClick}
      >
        <IconTrash size={18} aria-hidden />
      </ActionIcon>
    </Tooltip>
  ) : (
    <Button
      variant="light"
      color="red"
      size="sm"
      leftSection={<IconTrash size={16} aria-hidden />}
      disabled={disabled}
      onClick={onClick}
    >
      {label}
    </Button>
  );
}
