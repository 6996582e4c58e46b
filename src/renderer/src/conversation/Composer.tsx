import { ActionIcon, Alert, Button, Group, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { IconPlayerStopFilled, IconRefresh, IconSend } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-error';
import type { ResponderErrorKind } from '../../../shared/responder-error';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { openView } from '../state/view';
import { keepDraft, readDraft, takeFirstMessage } from './drafts';
import { responderErrorText } from './responderErrors';
import { isSendKey, useSendKey } from './sendKey';

export interface PendingTurn {
  /** The question being sent; none when the last answer is regenerated. */
  question?: string;
  answer: string;
  /** The stored answer a regenerated one will replace (hidden meanwhile). */
  replaces?: string;
}

/** What was asked when the responder gave no answer: Retry asks it again. */
type Attempt = { kind: 'continue'; content: string } | { kind: 'regenerate'; answerId: string };

interface Failure {
  attempt: Attempt;
  message: string;
  errorKind?: ResponderErrorKind;
}

/**
 * Continues the conversation through its flow's responder, regenerates its last answer,
 * and stops either while it streams. The answer's pieces arrive as `answer.delta` events
 * tagged with the request's id. The draft is kept per conversation; a stopped or failed
 * message comes back to it.
 */
export function Composer({
  flowId,
  sessionId,
  lastAnswerId,
  onPending,
}: {
  flowId: string;
  sessionId: string;
  /** The newest message's id when it is an answer (it can be regenerated). */
  lastAnswerId: string | undefined;
  onPending: (turn: PendingTurn | undefined) => void;
}) {
  const { api, events } = useApi();
  const client = useQueryClient();
  const [sendKey] = useSendKey();
  const [text, setText] = useState(() => readDraft(flowId, sessionId));
  const [running, setRunning] = useState<{ requestId: string; attempt: Attempt }>();
  const [failure, setFailure] = useState<Failure>();
  /** Stop was pressed; `confirmed` once the server found the turn (it may not have started yet). */
  const stopped = useRef({ asked: false, confirmed: false });
  const input = useRef<HTMLTextAreaElement>(null);

  const changeText = (next: string) => {
    setText(next);
    keepDraft(flowId, sessionId, next);
  };

  const run = async (attempt: Attempt) => {
    if (running) return;
    const requestId = crypto.randomUUID();
    setRunning({ requestId, attempt });
    setFailure(undefined);
    stopped.current = { asked: false, confirmed: false };
    if (attempt.kind === 'continue') changeText('');
    let answer = '';
    const pending = (): PendingTurn =>
      attempt.kind === 'continue'
        ? { question: attempt.content, answer }
        : { answer, replaces: attempt.answerId };
    onPending(pending());
    const unsubscribe = events.subscribe((event) => {
      if (event.type !== 'answer.delta' || event.requestId !== requestId) return;
      // Stop pressed before the server had the turn: now that it streams, it can be found.
      if (stopped.current.asked && !stopped.current.confirmed) void askStop(requestId);
      answer += event.text;
      onPending(pending());
    });
    try {
      if (attempt.kind === 'continue') {
        await api.continueSession({ flowId, sessionId, content: attempt.content, requestId });
      } else {
        await api.regenerateAnswer({ flowId, sessionId, requestId });
      }
      await Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.session(flowId, sessionId) }),
        client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
        client.invalidateQueries({ queryKey: queryKeys.flows }),
      ]);
    } catch (e) {
      const errorKind = e instanceof ApiError ? e.errorKind : undefined;
      // The message comes back to the composer, unless the person typed another meanwhile.
      if (attempt.kind === 'continue' && readDraft(flowId, sessionId) === '') changeText(attempt.content);
      if (!stopped.current.asked && errorKind !== 'stopped') {
        setFailure({ attempt, message: (e as Error).message, errorKind });
      }
    } finally {
      unsubscribe();
      onPending(undefined);
      setRunning(undefined);
      input.current?.focus();
    }
  };

  const send = () => {
    const content = text.trim();
    if (content) void run({ kind: 'continue', content });
  };

  const askStop = async (requestId: string) => {
    const answer = await api.stopAnswer({ requestId }).catch(() => undefined);
    if (answer?.stopped) stopped.current.confirmed = true;
  };

  const stop = () => {
    if (!running) return;
    stopped.current.asked = true;
    void askStop(running.requestId);
  };

  // A conversation started from "New conversation" sends its first message as it opens.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when this conversation's composer appears
  useEffect(() => {
    const first = takeFirstMessage(flowId, sessionId);
    if (first) void run({ kind: 'continue', content: first });
  }, []);

  const sending = running !== undefined;
  const { title, advice } = responderErrorText(failure?.errorKind);
  const sendHint = sendKey === 'enter' ? 'Enter sends, Shift+Enter adds a line' : 'Ctrl+Enter sends';

  return (
    <Stack gap={6}>
      {failure && (
        <Alert
          color="red"
          role="alert"
          title={title}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setFailure(undefined)}
        >
          <Stack gap={6}>
            {advice && <Text size="sm">{advice}</Text>}
            <Text size="xs" c="dimmed" data-testid="error-detail" style={{ overflowWrap: 'anywhere' }}>
              {failure.message}
            </Text>
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                color="red"
                onClick={() => {
                  const { attempt } = failure;
                  // Retry sends what failed, taking it back out of the composer.
                  if (attempt.kind === 'continue' && text.trim() === attempt.content) changeText('');
                  void run(attempt);
                }}
              >
                Retry
              </Button>
              {failure.errorKind && (
                <Button size="xs" variant="default" onClick={() => openView('settings', { edit: flowId })}>
                  Open flow settings
                </Button>
              )}
            </Group>
          </Stack>
        </Alert>
      )}
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Textarea
          ref={input}
          style={{ flex: 1 }}
          aria-label="Message to continue the conversation"
          aria-description={`${sendHint}. The flow's responder answers; both messages are stored.`}
          placeholder={`Continue this conversation… (${sendHint})`}
          autosize
          minRows={1}
          maxRows={6}
          value={text}
          disabled={sending}
          onChange={(event) => changeText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (isSendKey(event.nativeEvent, sendKey)) {
              event.preventDefault();
              send();
            }
          }}
        />
        {lastAnswerId && !sending && (
          <Tooltip
            label="Regenerate the last answer: ask the responder again; the new answer replaces it"
            withArrow
          >
            <ActionIcon
              size={36}
              variant="default"
              aria-label="Regenerate the last answer"
              onClick={() => void run({ kind: 'regenerate', answerId: lastAnswerId })}
            >
              <IconRefresh size={18} aria-hidden />
            </ActionIcon>
          </Tooltip>
        )}
        {sending ? (
          <Tooltip label="Stop the answer: nothing is stored" withArrow>
            <ActionIcon size={36} color="red" aria-label="Stop" onClick={stop}>
              <IconPlayerStopFilled size={18} aria-hidden />
            </ActionIcon>
          </Tooltip>
        ) : (
          <Tooltip
            label={`Send (${sendHint}): the flow's responder answers; both messages are stored`}
            withArrow
          >
            <ActionIcon size={36} aria-label="Send" onClick={send} disabled={!text.trim()}>
              <IconSend size={18} aria-hidden />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
    </Stack>
  );
}
