import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPlugConnected, IconPlus, IconX } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../../shared/api-error';
import type { ResponderErrorKind } from '../../../shared/responder-error';
import { DEFAULT_FLOW_ID, type Flow } from '../../../shared/schemas/flows';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import { responderErrorText } from '../conversation/responderErrors';
import { setSearchParams, useSearchParams } from '../state/location';
import { FlowForm } from './FlowForm';

type TestResult = { ok: boolean; message: string; latencyMs?: number; errorKind?: ResponderErrorKind };

/** Pass or fail in a few words; the server's own words (the answer, the error) on hover. */
function TestOutcome({ flow, result }: { flow: Flow; result: TestResult }) {
  const words = result.ok ? 'Connected' : responderErrorText(result.errorKind).title;
  const time = result.latencyMs !== undefined ? ` · ${Math.round(result.latencyMs).toLocaleString()} ms` : '';
  return (
    <Tooltip label={result.message} multiline maw={420} withArrow>
      <Badge
        mt={6}
        variant="light"
        color={result.ok ? 'teal' : 'red'}
        tt="none"
        maw="100%"
        role="status"
        aria-label={`Test of ${flow.name}: ${words}${time}`}
        leftSection={result.ok ? <IconCheck size={12} aria-hidden /> : <IconX size={12} aria-hidden />}
      >
        {result.ok ? 'Connected' : 'Failed'}
        {time}
      </Badge>
    </Tooltip>
  );
}

function ResponderLabel({ flow }: { flow: Flow }) {
  const r = flow.responder;
  if (r.kind === 'echo')
    return (
      <Group gap={6}>
        <Text size="sm">Echo</Text>
        <Badge size="xs" variant="light" color="gray">
          built-in · offline
        </Badge>
      </Group>
    );
  return (
    <div>
      <Text size="sm">{r.model}</Text>
      <Text size="xs" c="dimmed" truncate="end" maw={260}>
        {r.baseUrl}
      </Text>
    </div>
  );
}

/** Flows and their responders: create, edit, test connection, delete. */
export function FlowsCard() {
  const { api } = useApi();
  const client = useQueryClient();
  const flows = useQuery({ queryKey: queryKeys.flows, queryFn: () => api.listFlows({}) });
  const [editing, setEditing] = useState<Flow | 'new'>();
  // "Open flow settings" (after a responder error) names the flow to edit in the URL.
  const editParam = useSearchParams().get('edit');
  useEffect(() => {
    const flow = editParam ? flows.data?.items.find((f) => f.id === editParam) : undefined;
    if (flow) {
      setEditing(flow);
      setSearchParams({ edit: undefined });
    }
  }, [editParam, flows.data]);
  const [tests, setTests] = useState<Record<string, TestResult | 'running'>>({});

  const test = async (flow: Flow) => {
    setTests((t) => ({ ...t, [flow.id]: 'running' }));
    let result: TestResult;
    try {
      const r = await api.testFlow({ flowId: flow.id });
      result = r;
    } catch (e) {
      result = {
        ok: false,
        message: (e as Error).message,
        errorKind: e instanceof ApiError ? e.errorKind : undefined,
      };
    }
    setTests((t) => ({ ...t, [flow.id]: result }));
  };

  const remove = (flow: Flow) =>
    modals.openConfirmModal({
      title: `Delete the flow “${flow.name}”?`,
      centered: true,
      children: (
        <Text size="sm">
          This deletes the flow and its {flow.sessionCount.toLocaleString()} conversation
          {flow.sessionCount === 1 ? '' : 's'} for good (they do not go to the trash).
        </Text>
      ),
      labels: { confirm: 'Delete flow', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        try {
          await api.deleteFlow({ flowId: flow.id, confirm: 'true' });
          notifications.show({ color: 'teal', message: `Deleted the flow “${flow.name}”` });
        } catch (e) {
          notifications.show({ color: 'red', title: 'Not deleted', message: (e as Error).message });
        }
        await Promise.all([
          client.invalidateQueries({ queryKey: queryKeys.flows }),
          client.invalidateQueries({ queryKey: queryKeys.sessionsAll }),
        ]);
      },
    });

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="flows-title">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={3} size="h4" id="flows-title">
            Flows and responders
          </Title>
          <Text size="sm" c="dimmed">
            A flow is what scripts address (a Flowise chatflow, a Sim block); its responder answers
            predictions.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing('new')}>
          New flow
        </Button>
      </Group>
      {flows.isPending ? (
        <Loader size="sm" aria-label="Loading flows" />
      ) : flows.isError ? (
        <Alert color="red" role="alert" title="Flows could not be loaded">
          {flows.error.message}
        </Alert>
      ) : (
        <Table verticalSpacing="sm" aria-label="Flows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Flow</Table.Th>
              <Table.Th>Responder</Table.Th>
              <Table.Th>Conversations</Table.Th>
              <Table.Th>Retention</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {flows.data.items.map((flow) => {
              const result = tests[flow.id];
              return (
                <Table.Tr key={flow.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {flow.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {flow.id}
                    </Text>
                    {flow.publicEmbed && (
                      <Badge
                        size="xs"
                        variant="light"
                        color="orange"
                        mt={4}
                        title="Pages on the CORS allowlist may chat with this flow without the API key"
                      >
                        Open to allowlisted pages
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <ResponderLabel flow={flow} />
                    {result && result !== 'running' && <TestOutcome flow={flow} result={result} />}
                    {result && result !== 'running' && !result.ok && (
                      <Text size="xs" mt={4} maw={320} lineClamp={2}>
                        {result.errorKind ? responderErrorText(result.errorKind).title : result.message}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{flow.sessionCount.toLocaleString()}</Table.Td>
                  <Table.Td data-testid={`retention-${flow.id}`}>
                    {flow.retentionDays === null ? (
                      <Text size="sm" c="dimmed">
                        Kept
                      </Text>
                    ) : (
                      <Text size="sm">Trash after {flow.retentionDays.toLocaleString()} idle days</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {/* The built-in echo needs no connection. */}
                      {flow.responder.kind !== 'echo' && (
                        <Button
                          size="xs"
                          variant="light"
                          leftSection={<IconPlugConnected size={14} aria-hidden />}
                          loading={result === 'running'}
                          aria-label={`Test connection of ${flow.name}`}
                          onClick={() => void test(flow)}
                        >
                          Test connection
                        </Button>
                      )}
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={`Edit ${flow.name}`}
                        onClick={() => setEditing(flow)}
                      >
                        Edit
                      </Button>
                      {flow.id !== DEFAULT_FLOW_ID && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${flow.name}`}
                          onClick={() => remove(flow)}
                        >
                          Delete
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <FlowForm
        opened={editing !== undefined}
        flow={editing === 'new' ? undefined : editing}
        onClose={() => setEditing(undefined)}
      />
    </Card>
  );
}
