import { Badge, Button, Group, Popover, Stack } from '@mantine/core';
import { IconAdjustmentsHorizontal } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Filters } from '../state/filters';
import { FilterBar } from './FilterBar';
import { activeFilters, FilterChips } from './FilterChips';

/**
 * The filters folded beside an open conversation: one row with a "Filters" button (the full
 * filters in a popover) and what goes at its end (the count); below it, only while some are
 * active, those filters as removable chips.
 */
export function CompactFilters({ filters, end }: { filters: Filters; end?: ReactNode }) {
  const chips = activeFilters(filters);
  return (
    <Stack gap={6} data-testid="compact-filters">
      <Group gap="xs" wrap="nowrap" justify="space-between">
        <Popover position="bottom-start" shadow="md" width={340} trapFocus>
          <Popover.Target>
            <Button
              variant="default"
              size="xs"
              leftSection={<IconAdjustmentsHorizontal size={14} aria-hidden />}
              rightSection={
                chips.length ? (
                  <Badge size="xs" circle aria-hidden>
                    {chips.length}
                  </Badge>
                ) : undefined
              }
              aria-label={chips.length ? `Filters, ${chips.length} active` : 'Filters'}
            >
              Filters
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <FilterBar filters={filters} panel />
          </Popover.Dropdown>
        </Popover>
        {end}
      </Group>
      <FilterChips chips={chips} />
    </Stack>
  );
}
