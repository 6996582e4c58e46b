import { ActionIcon, Button, Group, Loader, Text, Title } from '@mantine/core';
import { IconMessagePlus, IconUpload } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { HoverTooltip } from '../lib/HoverTooltip';
import { openImport } from '../transfer/ImportDialog';
import { openNewConversation } from './newConversation';

/**
 * The list's title row: what it shows (truncated), then Import, Export and what else the
 * list does; `iconOnly` where the list is a narrow column.
 */
export function ListHeader({
  title,
  search,
  refreshing,
  iconOnly,
  exportMenu,
  end,
}: {
  title: string;
  search?: string;
  refreshing: boolean;
  iconOnly: boolean;
  exportMenu: ReactNode;
  /** After Export: the count and the "More list actions" menu (Delete N matching). */
  end?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="center" wrap="nowrap" gap="xs" mih={36}>
      <Title
        order={2}
        size="h3"
        title={search ? `${title} · search “${search}”` : title}
        style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
      >
        {title}
        {search && (
          <Text span c="dimmed" fw={400} size="lg">
            {' '}
            · search “{search}”
          </Text>
        )}
      </Title>
      <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
        {refreshing && <Loader size="xs" aria-label="Refreshing" />}
        <HoverTooltip label="New conversation (Ctrl+N)">
          <ActionIcon
            variant="filled"
            size="lg"
            aria-label="New conversation"
            onClick={() => openNewConversation()}
          >
            <IconMessagePlus size={18} aria-hidden />
          </ActionIcon>
        </HoverTooltip>
        {iconOnly ? (
          <HoverTooltip label="Import conversations">
            <ActionIcon variant="default" size="lg" aria-label="Import" onClick={openImport}>
              <IconUpload size={18} aria-hidden />
            </ActionIcon>
          </HoverTooltip>
        ) : (
          <Button
            variant="default"
            size="sm"
            leftSection={<IconUpload size={16} aria-hidden />}
            onClick={openImport}
          >
            Import
          </Button>
        )}
        {exportMenu}
        {end}
      </Group>
    </Group>
  );
}
