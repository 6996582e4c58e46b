import { Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { ThemeSwitch } from '../layout/ThemeSwitch';
import { ApiCard } from './ApiCard';
import { CorsCard } from './CorsCard';
import { FlowsCard } from './FlowsCard';

/** API address and key, CORS, flows and responders, where the data lives, theme. */
export default function SettingsView() {
  const { api } = useApi();
  const server = useQuery({ queryKey: queryKeys.serverInfo, queryFn: () => api.serverInfo({}) });
  return (
    <Stack gap="md" maw={1100}>
      <Title order={2} size="h3">
        Settings
      </Title>
      <ApiCard />
      <FlowsCard />
      <CorsCard />
      <Card withBorder padding="lg" component="section" aria-labelledby="data-title">
        <Title order={3} size="h4" id="data-title">
          Data location
        </Title>
        {!server.data ? (
          <Text size="sm">…</Text>
        ) : server.data.store.kind === 'postgresql' ? (
          <>
            <Text size="sm" c="dimmed" mb={6}>
              A PostgreSQL database holds every flow, conversation and message; other Mnemo processes may
              share it.
            </Text>
            <Code data-testid="data-store">{server.data.store.location}</Code>
          </>
        ) : (
          <>
            <Text size="sm" c="dimmed" mb={6}>
              One SQLite file (mnemo.db) holds every flow, conversation and message.
            </Text>
            <Code data-testid="data-dir">{server.data.dataDir}</Code>
          </>
        )}
      </Card>
      <Card withBorder padding="lg" component="section" aria-labelledby="theme-title">
        <Title order={3} size="h4" id="theme-title" mb="sm">
          Theme
        </Title>
        <Group>
          <ThemeSwitch />
        </Group>
      </Card>
    </Stack>
  );
}
