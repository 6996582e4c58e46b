import { Button, Group, NativeSelect, SegmentedControl, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconCalendar, IconTrash } from '@tabler/icons-react';
import { matchCount } from '../lib/count';
import {
  type Filters,
  RANGE_PRESETS,
  rangeDays,
  type SortBy,
  type SortOrder,
  setFilters,
} from '../state/filters';

const CALENDAR_LABELS = {
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  previousYear: 'Previous year',
  nextYear: 'Next year',
  previousDecade: 'Previous decade',
  nextDecade: 'Next decade',
  monthLevelControl: 'Choose a month',
  yearLevelControl: 'Choose a year',
};

const SORTS: { value: string; label: string }[] = [
  { value: 'updated:DESC', label: 'Newest activity first' },
  { value: 'updated:ASC', label: 'Oldest activity first' },
  { value: 'created:DESC', label: 'Newest created first' },
  { value: 'created:ASC', label: 'Oldest created first' },
];

/** Date range (presets, From/To) and sort. */
export function FilterBar({ filters }: { filters: Filters }) {
  const days = rangeDays(filters);
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label="Filters">
      <SegmentedControl
        aria-label="Date range"
        value={filters.range}
        onChange={(value) => setFilters({ range: value as Filters['range'], from: undefined, to: undefined })}
        data={RANGE_PRESETS}
      />
      <DatePickerInput
        label="From"
        aria-label="From date"
        clearButtonProps={{ 'aria-label': 'Clear From date' }}
        placeholder="Any day"
        clearable
        valueFormat="D MMM YYYY"
        ariaLabels={CALENDAR_LABELS}
        leftSection={<IconCalendar size={16} aria-hidden />}
        value={days.from ?? null}
        maxDate={days.to}
        onChange={(from) => setFilters({ range: 'custom', from: from ?? undefined, to: days.to })}
        w={160}
      />
      <DatePickerInput
        label="To"
        aria-label="To date"
        clearButtonProps={{ 'aria-label': 'Clear To date' }}
        placeholder="Any day"
        clearable
        valueFormat="D MMM YYYY"
        ariaLabels={CALENDAR_LABELS}
        leftSection={<IconCalendar size={16} aria-hidden />}
        value={days.to ?? null}
        minDate={days.from}
        onChange={(to) => setFilters({ range: 'custom', from: days.from, to: to ?? undefined })}
        w={160}
      />
      <NativeSelect
        label="Sort"
        data={SORTS}
        value={`${filters.by}:${filters.sort}`}
        onChange={(event) => {
          const [by, sort] = event.currentTarget.value.split(':') as [SortBy, SortOrder];
          setFilters({ by, sort });
        }}
        w={200}
      />
    </Group>
  );
}

/** How many conversations match, and "Delete N matching". */
export function MatchActions({
  total,
  exact,
  loading,
  onBulkDelete,
}: {
  total: number | undefined;
  /** False: `total` is only a lower bound (a search word in very many messages); the dialog counts. */
  exact: boolean;
  loading: boolean;
  onBulkDelete: () => void;
}) {
  return (
    <Group gap="sm" align="center" wrap="nowrap">
      <Text size="sm" c="dimmed" aria-live="polite" data-testid="match-count">
        {total === undefined ? '' : matchCount(total, exact)}
      </Text>
      <Button
        variant="light"
        color="red"
        size="sm"
        leftSection={<IconTrash size={16} aria-hidden />}
        disabled={!total || loading}
        onClick={onBulkDelete}
      >
        Delete {total === undefined || !exact ? '' : total.toLocaleString()} matching
      </Button>
    </Group>
  );
}
