import { Button, Group, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';

/** Inline rename: a title field with Save and Cancel (Enter saves, Escape cancels). */
export function RenameForm({
  flowId,
  sessionId,
  title,
  onDone,
}: {
  flowId: string;
  sessionId: string;
  title: string;
  onDone: () => void;
}) {
  const { api } = useApi();
  const client = useQueryClient();
  const [value, setValue] = useState(title);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const save = async () => {
    setSaving(true);
    try {
      await api.renameSession({ flowId, sessionId, title: value });
      await Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.session(flowId, sessionId) }),
        client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
      ]);
      onDone();
    } catch (e) {
      setError((e as Error).message);
      setSaving(false);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          aria-label="New title"
          data-autofocus
          autoFocus
          value={value}
          maxLength={200}
          error={error}
          onChange={(event) => setValue(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') onDone();
          }}
          style={{ flex: 1 }}
        />
        <Button type="submit" loading={saving} disabled={!value.trim()}>
          Save
        </Button>
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </form>
  );
}
