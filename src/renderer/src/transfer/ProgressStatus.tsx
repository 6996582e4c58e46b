import { Progress, Stack, Text } from '@mantine/core';
import type { TransferProgress } from '../api/transfer';

/** A transfer's progress bar and line (striped while its size is unknown). */
export function ProgressStatus({
  progress,
  what,
}: {
  progress: TransferProgress;
  what: 'Import' | 'Export';
}) {
  const unknown = progress.fraction === undefined;
  return (
    <Stack gap={4} role="status" aria-label={`${what} in progress`}>
      <Progress
        value={unknown ? 100 : Math.round((progress.fraction ?? 0) * 100)}
        striped={unknown}
        animated={unknown}
        aria-label={`${what} progress`}
      />
      <Text size="sm" c="dimmed">
        {progress.text}
      </Text>
    </Stack>
  );
}
