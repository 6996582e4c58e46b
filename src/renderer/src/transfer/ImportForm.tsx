import { Alert, Box, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useRef, useState } from 'react';
import { FlowId } from '../../../shared/schemas/common';
import { DEFAULT_FLOW_ID } from '../../../shared/schemas/flows';
import type { ImportResult } from '../../../shared/schemas/transfer';
import { useApi } from '../api/context';
import { queryKeys } from '../api/queries';
import type { TransferProgress } from '../api/transfer';
import { plural } from '../lib/count';
import { ProgressStatus } from './ProgressStatus';

/** Flowise names its export `<chatflow id>-Message.json`: that id is the flow its records belong to. */
export function flowFromFileName(name: string): string {
  const id = /^(.+)-Message\.json$/.exec(name)?.[1];
  return id !== undefined && FlowId.safeParse(id).success ? id : DEFAULT_FLOW_ID;
}

/** Pick or drop a file, choose the flow for records that name none, import and show what was added. */
export default function ImportForm({ close }: { close: () => void }) {
  const { transfer } = useApi();
  const client = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [flowId, setFlowId] = useState(DEFAULT_FLOW_ID);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<TransferProgress>();
  const [result, setResult] = useState<ImportResult>();
  const [error, setError] = useState<string>();
  const flowError = FlowId.safeParse(flowId).success ? undefined : 'letters, digits and . _ : - (up to 128)';

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    setFlowId(flowFromFileName(chosen.name));
    setResult(undefined);
    setError(undefined);
  };

  const run = async () => {
    if (!file || flowError) return;
    setError(undefined);
    setProgress({ text: 'Starting…' });
    try {
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
            {file ? `${(file.size / 1024).toLocaleString(undefined, { maximumFractionDigits: 0 })} KB` : 'or'}
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
        <TextInput
          label="Flow for Flowise and Sim records"
          description="Flowise exports name no flow (the file is named after the chatflow); Sim memories without a blockId go here too. Created if missing. Mnemo files name their own flows."
          value={flowId}
          error={flowError}
          onChange={(event) => setFlowId(event.currentTarget.value)}
          disabled={!!progress}
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
        <Button onClick={() => void run()} disabled={!file || !!flowError || !!result} loading={!!progress}>
          Import
        </Button>
      </Group>
    </Stack>
  );
}
