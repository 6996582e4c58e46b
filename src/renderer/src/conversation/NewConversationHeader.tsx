import { ActionIcon, Badge, Group, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconX } from '@tabler/icons-react';
import { useWide } from '../layout/breakpoint';

/** The header of a conversation started here whose first answer is not stored yet. */
export function NewConversationHeader({ flowId, onClose }: { flowId: string; onClose: () => void }) {
  const wide = useWide();
  const close = (
    <Tooltip label={wide ? 'Close (Esc)' : 'Back to the list'}>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="lg"
        aria-label={wide ? 'Close conversation' : 'Back to the list'}
        onClick={onClose}
      >
        {wide ? <IconX size={18} aria-hidden /> : <IconArrowLeft size={18} aria-hidden />}
      </ActionIcon>
    </Tooltip>
  );
  return (
    <Group px="sm" py={8} gap="xs" wrap="nowrap" mih={52}>
      {!wide && close}
      <Group gap="xs" wrap="nowrap" style={{ flex: 1, minWidth: 0 }}>
        <Title order={2} size="h4">
          New conversation
        </Title>
        <Badge variant="light" tt="none" maw={160} style={{ flexShrink: 0 }} title={flowId}>
          {flowId}
        </Badge>
      </Group>
      {wide && close}
    </Group>
  );
}
