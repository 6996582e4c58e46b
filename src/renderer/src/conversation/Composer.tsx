import { ActionIcon, Alert, Group, Stack, Textarea, Tooltip } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';

export interface PendingTurn {
  question: string;
  answer: string;
}

/**
 * Continues the conversation through its flow's responder. The answer's pieces arrive
 * as `answer.delta` events tagged with this request's id while the call runs.
 */
export function Composer({
  flowId,
  sessionId,
  onPending,
}: {
  flowId: string;
  sessionId: string;
  onPending: (turn: PendingTurn | undefined) => void;
}) {
  const { api, events } = useApi();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();

  const send = async () => {
    const content = text.trim();
    if (!content || sending) return;
    setSending(true);
    setError(undefined);
    const requestId = crypto.randomUUID();
    let answer = '';
    onPending({ question: content, answer });
    const unsubscribe = events.subscribe((event) => {
      if (event.type !== 'answer.delta' || event.requestId !== requestId) return;
      answer += event.text;
      onPending({ question: content, answer });
    });
    try {
      await api.continueSession({ flowId, sessionId, content, requestId });
      setText('');
      await Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.session(flowId, sessionId) }),
        client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
      ]);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      unsubscribe();
      onPending(undefined);
      setSending(false);
    }
  };

  return (
    <Stack gap={6}>
      {error && (
        <Alert color="red" role="alert" title="No answer" withCloseButton onClose={() => setError(undefined)}>
          {error}
        </Alert>
      )}
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Textarea
          style={{ flex: 1 }}
          aria-label="Message to continue the conversation"
          aria-description="Ctrl+Enter sends. The flow's responder answers; both messages are stored."
          placeholder="Continue this conversation… (Ctrl+Enter sends)"
          autosize
          minRows={1}
          maxRows={6}
          value={text}
          disabled={sending}
          onChange={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <Tooltip label="Send (Ctrl+Enter): the flow's responder answers; both messages are stored" withArrow>
          <ActionIcon
            size={36}
            aria-label="Send"
            onClick={() => void send()}
            loading={sending}
            disabled={!text.trim()}
          >
            <IconSend size={18} aria-hidden />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Stack>
  );
}
