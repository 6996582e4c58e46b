import { Alert, Badge, Card, Code, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Integrity } from '../../../shared/schemas/health';
import { useApi } from '../api/context';

const INTEGRITY_BADGE: Record<Integrity['state'], { color: string; label: string }> = {
  checking: { color: 'gray', label: 'checking…' },
  ok: { color: 'green', label: 'ok' },
  damaged: { color: 'red', label: 'damaged' },
  skipped: { color: 'yellow', label: 'not checked' },
};

/** Where the API listens and whether it answers. */
export function StatusView() {
  const { api, transport, missingKey } = useApi();
  const health = useQuery({ queryKey: ['health'], queryFn: () => api.health({}), refetchInterval: 10_000 });
  const server = useQuery({
    queryKey: ['serverInfo'],
    queryFn: () => api.serverInfo({}),
    enabled: !missingKey,
    // The integrity check runs in the background after start: ask again until it is done.
    refetchInterval: (query) => (query.state.data?.integrity.state === 'checking' ? 2000 : false),
  });
  const integrity = server.data?.integrity;

  return (
    <Stack gap="md" maw={720}>
      <Title order={2}>Status</Title>
      {missingKey && (
        <Alert color="yellow" title="No API key">
          Open this page with the address the server printed (it ends in <Code>#key=…</Code>) to use the API.
        </Alert>
      )}
      <Card withBorder padding="lg" aria-label="API health">
        <Group justify="space-between" mb="xs">
          <Text fw={600}>Local API</Text>
          {health.isPending ? (
            <Loader size="xs" aria-label="Checking health" />
          ) : health.isError ? (
            <Badge color="red">unreachable</Badge>
          ) : (
            <Badge color="green" data-testid="health-status">
              {health.data.status}
            </Badge>
          )}
        </Group>
        {health.isError && <Text c="red">{(health.error as Error).message}</Text>}
        {health.data && (
          <Text size="sm" c="dimmed">
            Mnemo {health.data.version} · schema version {health.data.schemaVersion}
          </Text>
        )}
      </Card>
      <Card withBorder padding="lg" aria-label="API address">
        <Text fw={600} mb="xs">
          Address
        </Text>
        {server.data ? (
          <Stack gap={4}>
            <Code data-testid="api-url">{server.data.apiUrl}</Code>
            <Text size="sm" c="dimmed">
              Data directory: {server.data.dataDir}
            </Text>
          </Stack>
        ) : server.isError ? (
          <Text c="red">{(server.error as Error).message}</Text>
        ) : (
          <Text c="dimmed">{missingKey ? 'unknown without the key' : 'loading…'}</Text>
        )}
        <Text size="xs" c="dimmed" mt="sm">
          This window talks to Mnemo through {transport === 'ipc' ? 'the desktop bridge (IPC)' : 'HTTP'}.
        </Text>
      </Card>
      {integrity && (
        <Card withBorder padding="lg" aria-label="Database integrity">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>Database integrity</Text>
            <Badge color={INTEGRITY_BADGE[integrity.state].color} data-testid="integrity-state">
              {INTEGRITY_BADGE[integrity.state].label}
            </Badge>
          </Group>
          {integrity.state === 'damaged' && (
            <Alert color="red" title="The database file is damaged">
              <Text size="sm">
                Some conversations cannot be read. Export what you can, keep a copy of the data directory, and
                restore from a backup.
              </Text>
              {integrity.message && (
                <Text size="xs" mt="xs" ff="monospace" data-testid="integrity-detail">
                  SQLite: {integrity.message}
                </Text>
              )}
            </Alert>
          )}
          {integrity.state === 'skipped' && integrity.message && (
            <Text size="sm" c="dimmed">
              {integrity.message}
            </Text>
          )}
          {integrity.checkedAt && (
            <Text size="xs" c="dimmed" mt="sm">
              Checked at start, {new Date(integrity.checkedAt).toLocaleString()}.
            </Text>
          )}
        </Card>
      )}
    </Stack>
  );
}
