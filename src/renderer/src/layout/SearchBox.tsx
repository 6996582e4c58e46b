import { CloseButton, Kbd, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useId, useRef, useState } from 'react';
import { endsWithShortStart, MIN_PREFIX } from '../../../shared/search-query';
import { requestFindStep } from '../conversation/find/findCommands';
import { setFilters, useFilters } from '../state/filters';
import { setSearchParams } from '../state/location';

const SHORT_START_HINT = `Words match from their first ${MIN_PREFIX} letters: keep typing, or add a space to find the short word`;

/**
 * What typed text searches for (shared/search-query.ts): a space at its end stays (the last
 * word then matches whole), and a last word still shorter than a start that can match is
 * left out until it is long enough, so the list never empties in the middle of a word.
 */
export function searchTextOf(value: string): string {
  const text = value.trimStart();
  return endsWithShortStart(text) ? text.replace(/\S+$/u, '').trimEnd() : text;
}

/** The URL's q for typed text ('' for none). */
const queryOf = (value: string) => {
  const text = searchTextOf(value);
  return text.trim() ? text : '';
};

/**
 * Full-text search over every message; `/` focuses it; the text goes to the URL after a pause.
 * Enter and Shift+Enter move through the matches of the open conversation.
 */
export function SearchBox() {
  const urlQ = useFilters().q ?? '';
  const [value, setValue] = useState(urlQ);
  const [debounced] = useDebouncedValue(value, 300);
  const [focused, setFocused] = useState(false);
  // The hint's Tooltip mounts at the first focus, not with the page (floating-ui's hooks, a portal).
  const [everFocused, setEverFocused] = useState(false);
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => input.current?.focus()]]);
  const shortStart = endsWithShortStart(value.trimStart());
  const hinted = focused && shortStart;

  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the URL only when it changed elsewhere (Clear filters, Back)
  useEffect(() => {
    if (urlQ !== queryOf(debounced)) setValue(urlQ);
  }, [urlQ]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new typed value is pushed to the URL
  useEffect(() => {
    const q = queryOf(debounced);
    if (q === urlQ) return;
    setFilters({ q: q || undefined });
    // A search shows the conversations it found.
    setSearchParams({ view: undefined });
  }, [debounced]);

  return (
    <>
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
          if (event.key === 'Enter') {
            event.preventDefault();
            requestFindStep(event.shiftKey ? -1 : 1);
          }
        }}
        onFocus={() => {
          setFocused(true);
          setEverFocused(true);
        }}
        onBlur={() => setFocused(false)}
        aria-describedby={hinted ? hintId : undefined}
        w={{ base: 200, md: 360 }}
      />
      {everFocused && (
        <Tooltip
          label={<span id={hintId}>{SHORT_START_HINT}</span>}
          opened={hinted}
          target={input}
          position="bottom-start"
          multiline
          w={280}
        />
      )}
    </>
  );
}
