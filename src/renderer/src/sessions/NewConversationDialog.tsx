import {
  Alert,
  Button,
  Collapse,
  Group,
  Modal,
  Select,
  Stack,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../../shared/api-error';
import { SessionId } from '../../../shared/schemas/common';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { startConversation } from '../conversation/drafts';
import { setSearchParams } from '../state/location';
import { closeNewConversation } from './newConversation';

/**
 * Start a conversation: pick the flow, type the first message; the session id is a new
 * UUID unless one is typed (checked as the API checks it). The conversation opens at once
 * and its composer sends the first message, which streams as any answer does.
 */
export default function NewConversationDialog({ flowId: initialFlow }: { flowId: string }) {
  return (
    <Modal opened onClose={closeNewConversation} title="New conversation" size="lg" centered>
      <NewConversationForm initialFlow={initialFlow} />
    </Modal>
  );
}

function NewConversationForm({ initialFlow }: { initialFlow: string }) {
  const { api } = useApi();
  const flows = useQuery({ queryKey: queryKeys.flows, queryFn: () => api.listFlows({}) });
  const [flowId, setFlowId] = useState(initialFlow);
  const [content, setContent] = useState('');
  const [advanced, setAdvanced] = useState(false);
  const [sessionId, setSessionId] = useState('');
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  const idProblem = sessionId === '' ? undefined : SessionId.safeParse(sessionId).error?.issues[0]?.message;
  const options = (flows.data?.items ?? []).map((flow) => ({
    value: flow.id,
    label: flow.name === flow.id ? flow.name : `${flow.name} (${flow.id})`,
  }));
  if (!options.some((o) => o.value === flowId)) options.push({ value: flowId, label: flowId });

  const start = async () => {
    if (!content.trim() || idProblem) return;
    setError(undefined);
    let id = sessionId;
    if (id === '') id = crypto.randomUUID();
    else {
      // A typed id must not quietly continue a conversation that exists.
      setChecking(true);
      try {
        await api.getSession({ flowId, sessionId: id, limit: 1 });
        setError(
          `A conversation “${id}” already exists in this flow: open it from the list, or pick another ID.`,
        );
        return;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) {
          setError((e as Error).message);
          return;
        }
      } finally {
        setChecking(false);
      }
    }
    startConversation(flowId, id, content.trim());
    const params = new URLSearchParams(window.location.search);
    setSearchParams(
      {
        view: undefined,
        // A list showing one flow shows the new conversation's flow.
        flow: params.get('flow') ? flowId : undefined,
        sf: flowId,
        sid: id,
      },
      { push: true },
    );
    closeNewConversation();
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <Stack gap="sm">
        <Select
          label="Flow"
          description="Its responder answers; scripts address the conversation through it."
          data={options}
          value={flowId}
          onChange={(value) => value && setFlowId(value)}
          allowDeselect={false}
          searchable
          comboboxProps={{ withinPortal: true }}
        />
        <Textarea
          label="First message"
          required
          data-autofocus
          autosize
          minRows={3}
          maxRows={10}
          value={content}
          onChange={(event) => setContent(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              void start();
            }
          }}
          description="Ctrl+Enter starts the conversation."
        />
        <UnstyledButton
          onClick={() => setAdvanced((a) => !a)}
          aria-expanded={advanced}
          fz="sm"
          c="dimmed"
          style={{ alignSelf: 'flex-start', display: 'flex', alignItems: 'center', gap: 4 }}
        >
          {advanced ? <IconChevronDown size={14} aria-hidden /> : <IconChevronRight size={14} aria-hidden />}
          Advanced
        </UnstyledButton>
        <Collapse expanded={advanced}>
          <TextInput
            label="Session ID"
            description="What scripts pass as sessionId or chatId. Leave empty for a new UUID."
            value={sessionId}
            onChange={(event) => setSessionId(event.currentTarget.value)}
            error={idProblem && `Session ID ${idProblem}`}
          />
        </Collapse>
        {error && (
          <Alert color="red" role="alert" title="Not started">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={closeNewConversation}>
            Cancel
          </Button>
          <Button type="submit" loading={checking} disabled={!content.trim() || !!idProblem}>
            Start conversation
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
