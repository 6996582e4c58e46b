import { ActionIcon, Button, Menu } from '@mantine/core';
import { IconBraces, IconDownload, IconMarkdown } from '@tabler/icons-react';
import type { SessionFilterInput } from '../../../shared/schemas/sessions';
import { matchCount, conversations as plural } from '../lib/count';
import { HoverTooltip } from '../lib/HoverTooltip';
import { openExport } from './ExportDialog';

/** "Export": the conversations the list shows (its filter), or everything; as JSON or Markdown. */
export function ExportMenu({
  filter,
  filtered,
  total,
  exact,
  everything,
  iconOnly = false,
}: {
  filter: SessionFilterInput;
  /** Whether the list is filtered (else "matching" and "everything" are the same). */
  filtered: boolean;
  /** How many the filter matches now. */
  total: number | undefined;
  /** False: `total` is only a lower bound. */
  exact: boolean;
  /** How many conversations there are in all (for progress), when known. */
  everything: number | undefined;
  /** An icon button named "Export" (where the list is narrow). */
  iconOnly?: boolean;
}) {
  const matching =
    total === undefined || !exact ? 'the matching conversations' : `the ${plural(total)} matching`;
  // Progress needs the exact number; without it the export shows what it has written so far.
  const progressTotal = exact ? total : undefined;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        {iconOnly ? (
          <HoverTooltip label="Export conversations">
            <ActionIcon variant="default" size="lg" aria-label="Export">
              <IconDownload size={18} aria-hidden />
            </ActionIcon>
          </HoverTooltip>
        ) : (
          <Button variant="default" size="sm" leftSection={<IconDownload size={16} aria-hidden />}>
            Export
          </Button>
        )}
      </Menu.Target>
      <Menu.Dropdown>
        {filtered && (
          <>
            <Menu.Label>
              {total === undefined
                ? 'Current filter'
                : `Current filter (${matchCount(total, exact).toLowerCase()})`}
            </Menu.Label>
            <Menu.Item
              leftSection={<IconBraces size={16} aria-hidden />}
              disabled={!total}
              onClick={() =>
                openExport({ query: { ...filter, format: 'json' }, what: matching, total: progressTotal })
              }
            >
              Matching as JSON (importable)
            </Menu.Item>
            <Menu.Item
              leftSection={<IconMarkdown size={16} aria-hidden />}
              disabled={!total}
              onClick={() =>
                openExport({ query: { ...filter, format: 'markdown' }, what: matching, total: progressTotal })
              }
            >
              Matching as Markdown (readable)
            </Menu.Item>
            <Menu.Divider />
          </>
        )}
        <Menu.Label>Everything{everything === undefined ? '' : ` (${plural(everything)})`}</Menu.Label>
        <Menu.Item
          leftSection={<IconBraces size={16} aria-hidden />}
          onClick={() => openExport({ query: { format: 'json' }, what: 'everything', total: everything })}
        >
          Everything as JSON (importable)
        </Menu.Item>
        <Menu.Item
          leftSection={<IconMarkdown size={16} aria-hidden />}
          onClick={() => openExport({ query: { format: 'markdown' }, what: 'everything', total: everything })}
        >
          Everything as Markdown (readable)
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
