import { CloseButton, Kbd, TextInput } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { setFilters, useFilters } from '../state/filters';
import { setSearchParams } from '../state/location';

/** Full-text search over every message; `/` focuses it; the text goes to the URL after a pause. */
export function SearchBox() {
  const urlQ = useFilters().q ?? '';
  const [value, setValue] = useState(urlQ);
  const [debounced] = useDebouncedValue(value, 300);
  const input = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => input.current?.focus()]]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the URL only when it changed elsewhere (Clear filters, Back)
  useEffect(() => {
    if (urlQ !== debounced.trim()) setValue(urlQ);
  }, [urlQ]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new typed value is pushed to the URL
  useEffect(() => {
    const q = debounced.trim();
    if (q === urlQ) return;
    setFilters({ q: q || undefined });
    // A search shows the conversations it found.
    setSearchParams({ view: undefined });
  }, [debounced]);

  return (
    <TextInput
      ref={input}
      type="search"
      aria-label="Search messages"
      placeholder="Search messages"
      leftSection={<IconSearch size={16} aria-hidden />}
      rightSectionWidth={value ? 36 : 44}
      rightSection={
        value ? (
          <CloseButton size="sm" aria-label="Clear search" onClick={() => setValue('')} />
        ) : (
          <Kbd size="xs" aria-hidden>
            /
          </Kbd>
        )
      }
      value={value}
      onChange={(event) => setValue(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setValue('');
      }}
      w={{ base: 200, md: 360 }}
    />
  );
}
