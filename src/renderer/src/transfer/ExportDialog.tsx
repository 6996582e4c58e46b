import { Alert, Button, Group, Stack } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useEffect, useRef, useState } from 'react';
import type { ExportQueryInput } from '../../../shared/schemas/transfer';
import { useApi } from '../api/context';
import type { ExportOutcome, TransferProgress } from '../api/transfer';
import { plural } from '../lib/count';
import { ProgressStatus } from './ProgressStatus';

const size = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export interface ExportRequest {
  query: ExportQueryInput;
  /** What is exported, for the title: "this conversation", "12 matching conversations", "everything". */
  what: string;
  /** How many conversations it holds, when known (for progress). */
  total?: number;
}

/** Starts an export and shows its progress and outcome in a dialog. */
export function openExport(request: ExportRequest) {
  const format = request.query.format === 'markdown' ? 'Markdown' : 'JSON';
  const id = modals.open({
    title: `Export ${request.what} as ${format}`,
    centered: true,
    children: <ExportRun request={request} close={() => modals.close(id)} />,
  });
}

function ExportRun({ request, close }: { request: ExportRequest; close: () => void }) {
  const { transfer } = useApi();
  const [progress, setProgress] = useState<TransferProgress>({ text: 'Preparing the export…' });
  const [outcome, setOutcome] = useState<ExportOutcome>();
  const [error, setError] = useState<string>();
  const started = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, when the dialog opens
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    transfer
      .exportFile(request.query, { total: request.total, onProgress: setProgress })
      .then((result) => (result.saved ? setOutcome(result) : close()))
      .catch((e: Error) => setError(e.message));
  }, []);

  const working = !outcome && !error;
  return (
    <Stack gap="md">
      {working && <ProgressStatus progress={progress} what="Export" />}
      {outcome && (
        <Alert color="teal" title="Exported" role="status">
          {outcome.sessions === undefined
            ? `Saved ${outcome.file} (${size(outcome.bytes)}).`
            : `Saved ${plural(outcome.sessions, 'conversation')} (${plural(outcome.messages ?? 0, 'message')}, ${size(outcome.bytes)}) to ${outcome.file}.`}
        </Alert>
      )}
      {error && (
        <Alert color="red" title="Not exported" role="alert">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant={working ? 'default' : 'filled'} onClick={close} disabled={working}>
          Close
        </Button>
      </Group>
    </Stack>
  );
}
