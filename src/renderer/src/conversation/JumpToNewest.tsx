import { Badge, Button } from '@mantine/core';
import { IconArrowDown } from '@tabler/icons-react';

/** Floats over the bottom of the message list while the person reads further up. */
export function JumpToNewest({ unseen, onJump }: { unseen: boolean; onJump: () => void }) {
  return (
    <Button
      pos="absolute"
      bottom={12}
      left="50%"
      style={{ transform: 'translateX(-50%)', zIndex: 1, boxShadow: 'var(--mantine-shadow-md)' }}
      size="compact-sm"
      radius="xl"
      variant={unseen ? 'filled' : 'default'}
      leftSection={<IconArrowDown size={14} aria-hidden />}
      rightSection={
        unseen ? (
          <Badge size="xs" color="white" c="blue" variant="filled">
            new messages
          </Badge>
        ) : undefined
      }
      onClick={onJump}
    >
      Jump to newest
    </Button>
  );
}
