import { Pill } from '@mantine/core';
import { absoluteDay } from '../lib/time';
import { type Filters, RANGE_PRESETS, setFilters } from '../state/filters';
import { SORTS } from './FilterBar';

interface Chip {
  key: string;
  label: string;
  remove: () => void;
}

/** The filters that narrow or reorder the list, each with the change that removes it. */
export function activeFilters(filters: Filters): Chip[] {
  const chips: Chip[] = [];
  const preset = RANGE_PRESETS.find((p) => p.value === filters.range && p.value !== 'all');
  if (preset) chips.push({ key: 'range', label: preset.label, remove: () => setFilters({ range: 'all' }) });
  if (filters.range === 'custom') {
    const { from, to } = filters;
    const rangeAfter = (other: string | undefined) => (other ? 'custom' : 'all');
    if (from)
      chips.push({
        key: 'from',
        label: `From ${absoluteDay(from)}`,
        remove: () => setFilters({ range: rangeAfter(to), from: undefined }),
      });
    if (to)
      chips.push({
        key: 'to',
        label: `To ${absoluteDay(to)}`,
        remove: () => setFilters({ range: rangeAfter(from), to: undefined }),
      });
  }
  if (filters.q)
    chips.push({ key: 'q', label: `“${filters.q}”`, remove: () => setFilters({ q: undefined }) });
  const sort = `${filters.by}:${filters.sort}`;
  if (sort !== SORTS[0]?.value)
    chips.push({
      key: 'sort',
      label: SORTS.find((s) => s.value === sort)?.label ?? sort,
      remove: () => setFilters({ by: 'updated', sort: 'DESC' }),
    });
  return chips;
}

/** The active filters as removable chips. */
export function FilterChips({ chips }: { chips: Chip[] }) {
  if (!chips.length) return null;
  return (
    <Pill.Group gap={4} aria-label="Active filters" role="list">
      {chips.map((chip) => (
        <Pill
          key={chip.key}
          role="listitem"
          withRemoveButton
          onRemove={chip.remove}
          removeButtonProps={{
            'aria-label': `Remove filter ${chip.label}`,
            'aria-hidden': false,
            tabIndex: 0,
          }}
          title={chip.label}
          maw={200}
        >
          {chip.label}
        </Pill>
      ))}
    </Pill.Group>
  );
}
