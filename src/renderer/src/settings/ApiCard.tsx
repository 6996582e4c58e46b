import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  PasswordInput,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconRefresh } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';

function Copy({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label}>
          <ActionIcon
            variant="subtle"
            color={copied ? 'teal' : 'gray'}
            aria-label={copied ? `${label}: copied` : label}
            onClick={copy}
          >
            {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

/** Where scripts reach Mnemo, and the key they need (copy, regenerate). */
export function ApiCard() {
  const { api, transport, adoptKey } = useApi();
  const client = useQueryClient();
  const server = useQuery({ queryKey: queryKeys.serverInfo, queryFn: () => api.serverInfo({}) });
  const key = useQuery({ queryKey: queryKeys.apiKey, queryFn: () => api.getApiKey({}) });

  const regenerate = () =>
    modals.openConfirmModal({
      title: 'Regenerate the API key?',
      centered: true,
      children: (
        <Text size="sm">
          The current key stops working at once: every script that uses it must be given the new one.
        </Text>
      ),
      labels: { confirm: 'Regenerate', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        try {
          const next = await api.regenerateApiKey({});
          if (transport === 'http') adoptKey(next.apiKey);
          client.setQueryData(queryKeys.apiKey, next);
          notifications.show({ color: 'teal', message: 'A new API key is in use' });
        } catch (e) {
          notifications.show({ color: 'red', title: 'Not regenerated', message: (e as Error).message });
        }
      },
    });

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="api-title">
      <Title order={3} size="h4" id="api-title" mb="sm">
        API
      </Title>
      <Stack gap="sm">
        <div>
          <Text size="sm" fw={500}>
            Address
          </Text>
          {server.data ? (
            <Group gap={6}>
              <Code data-testid="settings-api-url">{server.data.apiUrl}</Code>
              <Copy value={server.data.apiUrl} label="Copy API address" />
            </Group>
          ) : (
            <Text size="sm" c={server.isError ? 'red' : 'dimmed'}>
              {server.isError ? server.error.message : 'loading…'}
            </Text>
          )}
        </div>
        <div>
          <Text size="sm" fw={500} id="api-key-label">
            API key
          </Text>
          <Text size="xs" c="dimmed" mb={4}>
            Scripts send it as <Code>Authorization: Bearer &lt;key&gt;</Code>.
          </Text>
          {key.data ? (
            <Group gap={6} wrap="nowrap">
              <PasswordInput
                aria-labelledby="api-key-label"
                readOnly
                value={key.data.apiKey}
                w={420}
                visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the API key' }}
              />
              <Copy value={key.data.apiKey} label="Copy API key" />
              <Button
                variant="light"
                color="red"
                leftSection={<IconRefresh size={16} aria-hidden />}
                disabled={key.data.fromEnv}
                onClick={regenerate}
              >
                Regenerate
              </Button>
            </Group>
          ) : key.isError ? (
            <Alert color="red" role="alert">
              {key.error.message}
            </Alert>
          ) : (
            <Text size="sm" c="dimmed">
              loading…
            </Text>
          )}
          {key.data?.fromEnv && (
            <Text size="xs" c="dimmed" mt={4}>
              This key comes from the MNEMO_API_KEY environment variable; change it there.
            </Text>
          )}
        </div>
      </Stack>
    </Card>
  );
}
