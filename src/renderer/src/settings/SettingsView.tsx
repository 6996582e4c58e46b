import { Card, Code, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { type SendKey, useSendKey } from '../conversation/sendKey';
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
      <ComposerCard />
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

/** Which key sends a message in the composer (kept in this window's local storage, as the theme is). */
function ComposerCard() {
  const [sendKey, setSendKey] = useSendKey();
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="composer-title">
      <Title order={3} size="h4" id="composer-title" mb="sm">
        Composer
      </Title>
      <Radio.Group
        label="Sending a message"
        value={sendKey}
        onChange={(value) => setSendKey(value as SendKey)}
      >
        <Stack gap={6} mt={6}>
          <Radio value="enter" label="Enter sends; Shift+Enter adds a line" />
          <Radio value="mod-enter" label="Ctrl+Enter (⌘+Enter) sends; Enter adds a line" />
        </Stack>
      </Radio.Group>
    </Card>
  );
}
