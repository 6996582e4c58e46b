import { Group, NativeSelect, SegmentedControl, Stack } from '@mantine/core';
import { IconCalendar } from '@tabler/icons-react';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import {
  type Filters,
  RANGE_PRESETS,
  rangeDays,
  type SortBy,
  type SortOrder,
  setFilters,
} from '../state/filters';
import { DateField } from './DateField';

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

export const SORTS: { value: string; label: string }[] = [
  { value: 'updated:DESC', label: 'Newest activity first' },
  { value: 'updated:ASC', label: 'Oldest activity first' },
  { value: 'created:DESC', label: 'Newest created first' },
  { value: 'created:ASC', label: 'Oldest created first' },
];

/**
 * Date range (presets, From/To) and sort: a wrapping row above the list, or (`panel`) stacked
 * in the Filters popover, where the calendars open inside it so picking a day does not close it.
 */
export function FilterBar({ filters, panel = false }: { filters: Filters; panel?: boolean }) {
  const days = rangeDays(filters);
  // Nothing is stored in the future: days after today cannot be picked; today is marked.
  const today = dayjs().format('YYYY-MM-DD');
  const dateWidth = panel ? undefined : 160;
  const dateProps = {
    clearable: true,
    placeholder: 'Any day',
    valueFormat: 'D MMM YYYY',
    ariaLabels: CALENDAR_LABELS,
    leftSection: <IconCalendar size={16} aria-hidden />,
    popoverProps: panel ? { withinPortal: false } : undefined,
    highlightToday: true,
    getDayProps: (date: string) =>
      date === today ? { 'aria-current': 'date' as const, title: 'Today' } : {},
    style: panel ? { flex: 1 } : undefined,
    w: dateWidth,
  };
  const range = (
    <SegmentedControl
      aria-label="Date range"
      size={panel ? 'xs' : 'sm'}
      fullWidth={panel}
      value={filters.range}
      onChange={(value) => setFilters({ range: value as Filters['range'], from: undefined, to: undefined })}
      data={RANGE_PRESETS}
    />
  );
  const dates: ReactNode = (
    <>
      <DateField
        {...dateProps}
        label="From"
        aria-label="From date"
        clearButtonProps={{ 'aria-label': 'Clear From date' }}
        value={days.from ?? null}
        maxDate={days.to && days.to < today ? days.to : today}
        onChange={(from) => setFilters({ range: 'custom', from: from ?? undefined, to: days.to })}
      />
      <DateField
        {...dateProps}
        label="To"
        aria-label="To date"
        clearButtonProps={{ 'aria-label': 'Clear To date' }}
        value={days.to ?? null}
        minDate={days.from}
        maxDate={today}
        onChange={(to) => setFilters({ range: 'custom', from: days.from, to: to ?? undefined })}
      />
    </>
  );
  const sort = (
    <NativeSelect
      label="Sort"
      data={SORTS}
      value={`${filters.by}:${filters.sort}`}
      onChange={(event) => {
        const [by, sort] = event.currentTarget.value.split(':') as [SortBy, SortOrder];
        setFilters({ by, sort });
      }}
      w={panel ? undefined : 200}
    />
  );
  if (panel) {
    return (
      <Stack gap="sm" role="search" aria-label="Filters">
        {range}
        <Group gap="sm" wrap="nowrap">
          {dates}
        </Group>
        {sort}
      </Stack>
    );
  }
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label="Filters">
      {range}
      {dates}
      {sort}
    </Group>
  );
}
