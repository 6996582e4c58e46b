import { Alert, Box, Button, Group, Select, Stack, Text } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useRef, useState } from 'react';
import { FlowId } from '../../../shared/schemas/common';
import { DEFAULT_FLOW_ID, FlowName } from '../../../shared/schemas/flows';
import type { ImportResult } from '../../../shared/schemas/transfer';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import type { TransferProgress } from '../api/transfer';
import { plural } from '../lib/count';
import { formatSize } from '../lib/size';
import { ProgressStatus } from './ProgressStatus';

/** Flowise names its export `<chatflow id>-Message.json`: that id is the flow its records belong to. */
export function flowFromFileName(name: string): string {
  const id = /^(.+)-Message\.json$/.exec(name)?.[1];
  return id !== undefined && FlowId.safeParse(id).success ? id : DEFAULT_FLOW_ID;
}

/**
 * The target flow as the picker holds it: an existing flow's id, `+id:<id>` for a flow the
 * import creates with that id (a Flowise file's name), `+name:<name>` for a new flow the
 * person named. No flow id starts with `+`.
 */
type Target = string;
const NEW_ID = '+id:';
const NEW_NAME = '+name:';

/** Pick or drop a file, choose the flow for records that name none, import and show what was added. */
export default function ImportForm({ close }: { close: () => void }) {
  const { api, transfer } = useApi();
  const client = useQueryClient();
  const flows = useQuery({ queryKey: queryKeys.flows, queryFn: () => api.listFlows({}) });
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [target, setTarget] = useState<Target>(DEFAULT_FLOW_ID);
  const [search, setSearch] = useState('');
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<TransferProgress>();
  const [result, setResult] = useState<ImportResult>();
  const [error, setError] = useState<string>();

  const existing = flows.data?.items ?? [];
  const typed = search.trim();
  const chosenNew = target.startsWith('+') ? [{ value: target, label: newFlowLabel(target) }] : [];
  const known = [...existing.map((f) => ({ value: f.id, label: f.name })), ...chosenNew];
  // What the person typed names no flow: offer to create one by that name.
  const creatable =
    typed !== '' &&
    FlowName.safeParse(typed).success &&
    !known.some((o) => o.label === typed || o.value === `${NEW_NAME}${typed}`);
  const options = creatable
    ? [...known, { value: `${NEW_NAME}${typed}`, label: newFlowLabel(`${NEW_NAME}${typed}`) }]
    : known;

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    const fromName = flowFromFileName(chosen.name);
    setTarget(
      fromName === DEFAULT_FLOW_ID || existing.some((f) => f.id === fromName)
        ? fromName
        : `${NEW_ID}${fromName}`,
    );
    setResult(undefined);
    setError(undefined);
  };

  const run = async () => {
    if (!file) return;
    setError(undefined);
    setProgress({ text: 'Starting…' });
    try {
      let flowId = target;
      if (target.startsWith(NEW_NAME)) {
        setProgress({ text: 'Creating the flow…' });
        const created = await api.createFlow({ name: target.slice(NEW_NAME.length) });
        flowId = created.id;
        setTarget(created.id);
      } else if (target.startsWith(NEW_ID)) {
        flowId = target.slice(NEW_ID.length);
      }
      setResult(await transfer.importFile(file, { flowId, onProgress: setProgress }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(undefined);
      await Promise.all(
        [queryKeys.sessionsAll, queryKeys.flows, queryKeys.trash].map((queryKey) =>
          client.invalidateQueries({ queryKey }),
        ),
      );
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (!progress) choose(event.dataTransfer.files[0]);
  };

  return (
    <Stack gap="md">
      <Text size="sm">
        Mnemo JSON (an export from Mnemo), a Flowise “View Messages” export, or a Sim memory array. Importing
        the same file again adds nothing; a file with a bad record is refused whole.
      </Text>
      <Box
        data-testid="import-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        p="xl"
        style={{
          border: `2px dashed var(--mantine-color-${dragging ? 'blue-6' : 'default-border'})`,
          borderRadius: 'var(--mantine-radius-md)',
          background: dragging ? 'var(--mantine-color-blue-light)' : undefined,
          textAlign: 'center',
        }}
      >
        <Stack align="center" gap="xs">
          <IconFileImport size={36} aria-hidden stroke={1.5} />
          <Text fw={500}>{file ? file.name : 'Drop a file here'}</Text>
          <Text size="sm" c="dimmed">
            {file ? formatSize(file.size) : 'or'}
          </Text>
          <Button variant="light" onClick={() => input.current?.click()} disabled={!!progress}>
            {file ? 'Choose another file…' : 'Choose a file…'}
          </Button>
          <input
            ref={input}
            type="file"
            accept=".json,application/json"
            aria-label="File to import"
            hidden
            onChange={(event) => {
              choose(event.currentTarget.files?.[0]);
              event.currentTarget.value = '';
            }}
          />
        </Stack>
      </Box>
      {file && (
        <Select
          label="Flow for Flowise and Sim records"
          description="Flowise exports name no flow (the file is named after the chatflow); Sim memories without a blockId go here too. Type a name to create a new flow. Mnemo files name their own flows."
          data={options}
          value={target}
          onChange={(value) => value && setTarget(value)}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          nothingFoundMessage="Type a flow name (up to 200 characters)"
          allowDeselect={false}
          disabled={!!progress || !!result}
          comboboxProps={{ withinPortal: true }}
        />
      )}
      {progress && <ProgressStatus progress={progress} what="Import" />}
      {result && (
        <Alert color="teal" title="Imported" role="status" data-testid="import-result">
          {result.messages === 0
            ? `Nothing new: ${result.skipped === 0 ? 'the file holds no messages' : `all ${plural(result.skipped, 'message')} were already here`}.`
            : `Added ${plural(result.messages, 'message')} in ${plural(result.sessions, 'conversation')}${
                result.flows > 0 ? ` and ${plural(result.flows, 'new flow')}` : ''
              }.${result.skipped > 0 ? ` ${plural(result.skipped, 'message')} were already here.` : ''}`}
        </Alert>
      )}
      {error && (
        <Alert color="red" title="Nothing was imported" role="alert">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={close} disabled={!!progress}>
          {result ? 'Close' : 'Cancel'}
        </Button>
        <Button onClick={() => void run()} disabled={!file || !!result} loading={!!progress}>
          Import
        </Button>
      </Group>
    </Stack>
  );
}

function newFlowLabel(target: Target): string {
  return target.startsWith(NEW_ID)
    ? `New flow “${target.slice(NEW_ID.length)}” (from the file name)`
    : `New flow “${target.slice(NEW_NAME.length)}”`;
}
