import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';

/**
 * "Moved to the trash" with an Undo button, after deleting one conversation or many.
 * `restore` undoes the delete and answers what to say once it has; without it the toast
 * shows `noUndo` instead of the button.
 */
export function showTrashedToast(options: {
  id: string;
  autoClose: number;
  text: ReactNode;
  restore?: () => Promise<string>;
  noUndo?: ReactNode;
  refresh: () => Promise<unknown>;
}): void {
  const { id, restore, refresh } = options;
  const undo = async () => {
    if (!restore) return;
    notifications.hide(id);
    try {
      notifications.show({ color: 'teal', message: await restore() });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not restore', message: (error as Error).message });
    }
    await refresh();
  };
  notifications.show({
    id,
    autoClose: options.autoClose,
    title: 'Moved to the trash',
    message: (
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm" lineClamp={2}>
          {options.text}
        </Text>
        {restore ? (
          <Button size="compact-sm" variant="light" onClick={undo}>
            Undo
          </Button>
        ) : (
          options.noUndo
        )}
      </Group>
    ),
  });
}
