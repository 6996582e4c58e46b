import { Alert, Button, Card, Group, TagsInput, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';

/** The browser origins that may call the API (CORS), besides MNEMO_CORS_ORIGINS. */
export function CorsCard() {
  const { api } = useApi();
  const client = useQueryClient();
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.getSettings({}) });
  const [origins, setOrigins] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (settings.data) setOrigins(settings.data.corsOrigins);
  }, [settings.data]);
  const dirty = JSON.stringify(origins) !== JSON.stringify(settings.data?.corsOrigins ?? []);

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const saved = await api.updateSettings({ corsOrigins: origins });
      client.setQueryData(queryKeys.settings, saved);
      notifications.show({ color: 'teal', message: 'CORS allowlist saved' });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="cors-title">
      <Title order={3} size="h4" id="cors-title">
        CORS allowlist
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Web pages from these origins may call the API from a browser. Empty: none may.
      </Text>
      {settings.isError ? (
        <Alert color="red" role="alert" title="Settings could not be loaded">
          {settings.error.message}
        </Alert>
      ) : (
        <Group align="flex-end" wrap="nowrap">
          <TagsInput
            label="Allowed origins"
            placeholder="https://example.com, then Enter"
            value={origins}
            onChange={setOrigins}
            disabled={settings.isPending}
            error={error}
            style={{ flex: 1 }}
            maw={640}
          />
          <Button onClick={save} loading={saving} disabled={!dirty}>
            Save
          </Button>
        </Group>
      )}
    </Card>
  );
}
