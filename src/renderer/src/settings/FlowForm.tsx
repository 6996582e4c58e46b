import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Flow, ResponderConfig } from '../../../shared/schemas/flows';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { ModelField } from './ModelField';

type Kind = ResponderConfig['kind'];

interface FormState {
  id: string;
  name: string;
  kind: Kind;
  baseUrl: string;
  model: string;
  apiKey: string;
  apiKeyEnv: string;
  systemPrompt: string;
  temperature: number | string;
  memoryMessages: number | string;
  timeoutSeconds: number | string;
  /** Move idle conversations to the trash after retentionDays. */
  retention: boolean;
  retentionDays: number | string;
  /** Allowlisted web pages may chat with the flow without the key. */
  publicEmbed: boolean;
}

function initialState(flow: Flow | undefined): FormState {
  const r = flow?.responder;
  const ai = r?.kind === 'openai-compatible' ? r : undefined;
  return {
    id: flow?.id ?? '',
    name: flow?.name ?? '',
    kind: r?.kind ?? 'echo',
    baseUrl: ai?.baseUrl ?? 'http://127.0.0.1:11434/v1',
    model: ai?.model ?? '',
    apiKey: '',
    apiKeyEnv: ai?.apiKeyEnv ?? '',
    systemPrompt: ai?.systemPrompt ?? '',
    temperature: ai?.temperature ?? '',
    memoryMessages: ai?.memoryMessages ?? 20,
    timeoutSeconds: ai ? Math.round(ai.timeoutMs / 1000) : 60,
    retention: flow?.retentionDays != null,
    retentionDays: flow?.retentionDays ?? 90,
    publicEmbed: flow?.publicEmbed ?? false,
  };
}

const num = (v: number | string) => (typeof v === 'number' ? v : v.trim() === '' ? undefined : Number(v));

function responderOf(s: FormState): ResponderConfig {
  if (s.kind === 'echo') return { kind: 'echo' };
  return {
    kind: 'openai-compatible',
    baseUrl: s.baseUrl.trim(),
    model: s.model.trim(),
    apiKeyEnv: s.apiKeyEnv.trim() || undefined,
    systemPrompt: s.systemPrompt || undefined,
    temperature: num(s.temperature),
    memoryMessages: num(s.memoryMessages) ?? 20,
    timeoutMs: (num(s.timeoutSeconds) ?? 60) * 1000,
  };
}

/** Create a flow, or edit one: its name and its responder (echo, or an OpenAI-compatible server). */
export function FlowForm({ flow, opened, onClose }: { flow?: Flow; opened: boolean; onClose: () => void }) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={flow ? `Edit flow “${flow.name}”` : 'New flow'}
      size="lg"
      centered
    >
      {opened && <FlowFormBody flow={flow} onClose={onClose} />}
    </Modal>
  );
}

function FlowFormBody({ flow, onClose }: { flow?: Flow; onClose: () => void }) {
  const { api } = useApi();
  const client = useQueryClient();
  const [state, setState] = useState(() => initialState(flow));
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setState((s) => ({ ...s, [key]: value }));

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const responder = responderOf(state);
      const apiKey = state.kind === 'openai-compatible' && state.apiKey ? state.apiKey : undefined;
      const retentionDays = state.retention ? (num(state.retentionDays) ?? null) : null;
      const { publicEmbed } = state;
      if (flow)
        await api.updateFlow({
          flowId: flow.id,
          name: state.name,
          responder,
          apiKey,
          retentionDays,
          publicEmbed,
        });
      else
        await api.createFlow({
          id: state.id.trim() || undefined,
          name: state.name,
          responder,
          apiKey,
          retentionDays,
          publicEmbed,
        });
      await client.invalidateQueries({ queryKey: queryKeys.flows });
      onClose();
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
      <Stack gap="sm">
        <TextInput
          label="Name"
          required
          value={state.name}
          onChange={(e) => set('name', e.currentTarget.value)}
        />
        {!flow && (
          <TextInput
            label="ID"
            description="What scripts use in the URL (Flowise chatflow id, Sim blockId). Leave empty for a new UUID."
            value={state.id}
            onChange={(e) => set('id', e.currentTarget.value)}
          />
        )}
        <div>
          <Text size="sm" fw={500} mb={4} id="responder-label">
            Responder
          </Text>
          <SegmentedControl
            aria-labelledby="responder-label"
            value={state.kind}
            onChange={(v) => set('kind', v as Kind)}
            data={[
              { value: 'echo', label: 'Echo (built-in, offline)' },
              { value: 'openai-compatible', label: 'OpenAI-compatible server' },
            ]}
          />
        </div>
        {state.kind === 'echo' ? (
          <Text size="sm" c="dimmed">
            Echo answers on this machine without any model: it repeats the question and says how many earlier
            messages it remembered. Good for trying the API offline.
          </Text>
        ) : (
          <>
            <TextInput
              label="Base URL"
              description="OpenAI, Ollama (http://127.0.0.1:11434/v1), LM Studio, llama.cpp, vLLM…"
              required
              value={state.baseUrl}
              onChange={(e) => set('baseUrl', e.currentTarget.value)}
            />
            <ModelField
              value={state.model}
              onChange={(model) => set('model', model)}
              baseUrl={state.baseUrl}
              apiKey={state.apiKey}
              apiKeyEnv={state.apiKeyEnv}
              flowId={flow?.id}
            />
            <Group grow align="flex-start">
              <PasswordInput
                label="API key"
                description={
                  flow?.hasApiKey ? 'A key is stored; type to replace it.' : 'Stored in the OS keychain.'
                }
                value={state.apiKey}
                onChange={(e) => set('apiKey', e.currentTarget.value)}
                autoComplete="off"
              />
              <TextInput
                label="…or environment variable"
                description="A variable whose name ends in _API_KEY; no other is read."
                placeholder="OPENAI_API_KEY"
                value={state.apiKeyEnv}
                onChange={(e) => set('apiKeyEnv', e.currentTarget.value)}
              />
            </Group>
            <Textarea
              label="System prompt"
              autosize
              minRows={2}
              maxRows={6}
              value={state.systemPrompt}
              onChange={(e) => set('systemPrompt', e.currentTarget.value)}
            />
            <Group grow>
              <NumberInput
                label="Temperature"
                min={0}
                max={2}
                step={0.1}
                decimalScale={2}
                value={state.temperature}
                onChange={(v) => set('temperature', v)}
              />
              <NumberInput
                label="Memory (last messages)"
                min={0}
                max={10_000}
                value={state.memoryMessages}
                onChange={(v) => set('memoryMessages', v)}
              />
              <NumberInput
                label="Timeout (seconds)"
                min={1}
                max={600}
                value={state.timeoutSeconds}
                onChange={(v) => set('timeoutSeconds', v)}
              />
            </Group>
          </>
        )}
        <div>
          <Switch
            label="Move conversations with no activity to the trash"
            description="Checked at start and every hour; the trash keeps them 30 days before they are deleted."
            checked={state.retention}
            onChange={(e) => set('retention', e.currentTarget.checked)}
          />
          {state.retention && (
            <NumberInput
              mt="xs"
              label="Days without a new message"
              min={1}
              max={36_500}
              allowDecimal={false}
              value={state.retentionDays}
              onChange={(v) => set('retentionDays', v)}
              w={220}
            />
          )}
        </div>
        <Switch
          label="Open to web pages without the key (Flowise embed widget)"
          description="Pages whose origin is on the CORS allowlist may ask this flow for answers, read its chat-widget settings and stop its answers without the API key. Anyone who can load such a page can chat with this flow. Its stored conversations still need the key."
          checked={state.publicEmbed}
          onChange={(e) => set('publicEmbed', e.currentTarget.checked)}
        />
        {error && (
          <Alert color="red" role="alert" title="Not saved">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            {flow ? 'Save' : 'Create flow'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
