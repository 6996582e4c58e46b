import { ActionIcon, Group, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronUp, IconSearch, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../../api/context';
import { queryKeys } from '../../api/queries';
import { useFilters } from '../../state/filters';
import { type FindStep, onFindStep } from './findCommands';
import { textMatcher } from './matchText';
import { useFindHighlights } from './useFindHighlights';
import './find.css';

/** Matches listed at most (the route's own limit): a conversation has at most this many to step through. */
const MATCH_LIMIT = 10_000;

interface Props {
  flowId: string;
  sessionId: string;
  /** How many messages, newest first, the list holds now. */
  loaded: number;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  /** Bring this message into view (the list scrolls to it). */
  onJump: (messageId: string) => void;
}

/**
 * Find in the open conversation: the global search's text when the conversation was opened
 * from a search, or what is typed after Ctrl/Cmd+F in the pane. The server says which
 * messages match and where (GET …/matches); the list loads older pages until the one wanted
 * is there and scrolls to it. "3 of 12" counts matching messages, top to bottom; the find
 * starts at the newest. Next / previous: the buttons, Enter / Shift+Enter (here or in the
 * global search box), F3 / Shift+F3.
 */
export function ConversationFind({
  flowId,
  sessionId,
  loaded,
  hasOlder,
  loadingOlder,
  loadOlder,
  onJump,
}: Props) {
  const { api } = useApi();
  const globalQ = useFilters().q ?? '';
  const [open, setOpen] = useState(globalQ.trim() !== '');
  const [text, setText] = useState(globalQ);
  const [debounced] = useDebouncedValue(text, 250);
  const q = debounced.trim() ? debounced : '';
  const bar = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);

  // A new global search is what to find here too.
  useEffect(() => {
    setText(globalQ);
    if (globalQ.trim()) setOpen(true);
  }, [globalQ]);

  const matches = useQuery({
    queryKey: [...queryKeys.session(flowId, sessionId), 'matches', q],
    queryFn: () => api.sessionMatches({ flowId, sessionId, q, limit: MATCH_LIMIT }),
    enabled: open && q !== '',
  });
  const list = useMemo(() => (open && q ? (matches.data?.matches ?? []) : []), [open, q, matches.data]);
  const total = list.length;
  /** Index into `list` (0: the newest match). */
  const [at, setAt] = useState(0);
  const target = list[at];

  // A new answer (new text, or the conversation changed): start again from the newest.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new list of matches restarts
  useEffect(() => setAt(0), [matches.data]);

  // Load older pages until the wanted match is held, then bring it into view.
  const [jumped, setJumped] = useState<string>();
  useEffect(() => {
    if (!target) return;
    if (target.position < loaded) {
      if (jumped !== `${target.messageId}:${at}`) {
        setJumped(`${target.messageId}:${at}`);
        onJump(target.messageId);
      }
    } else if (hasOlder && !loadingOlder) {
      loadOlder();
    }
  }, [target, at, loaded, hasOlder, loadingOlder, loadOlder, onJump, jumped]);

  const step = (direction: FindStep) => {
    if (total === 0) return;
    // Next goes down the conversation (to newer messages), previous up; both wrap.
    setAt((i) => (i - direction + total) % total);
    setJumped(undefined);
  };
  const stepRef = useRef(step);
  stepRef.current = step;

  useEffect(() => onFindStep((direction) => stepRef.current(direction)), []);

  useEffect(() => {
    setScroller(
      bar.current?.closest('section')?.querySelector<HTMLElement>('[data-testid="message-pane"]') ?? null,
    );
    const onKey = (event: KeyboardEvent) => {
      const pane = bar.current?.closest('section');
      if (!pane) return;
      const inPane = pane.contains(document.activeElement) || document.activeElement === document.body;
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f' && inPane) {
        event.preventDefault();
        setOpen(true);
        requestAnimationFrame(() => input.current?.select());
      } else if (event.key === 'F3') {
        event.preventDefault();
        stepRef.current(event.shiftKey ? -1 : 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const matcher = useMemo(() => (q ? textMatcher(q) : undefined), [q]);
  const matchIds = useMemo(() => new Set(list.map((m) => m.messageId)), [list]);
  useFindHighlights(scroller, open ? matcher : undefined, matchIds, target?.messageId);

  const close = () => {
    setOpen(false);
    setText('');
  };

  const status = !q
    ? ''
    : matches.isPending
      ? 'Finding…'
      : total === 0
        ? 'No matches'
        : `${total - at} of ${matches.data?.total ?? total}`;

  return (
    <div ref={bar}>
      {open && (
        <Group
          gap={6}
          px="md"
          py={6}
          wrap="nowrap"
          role="search"
          aria-label="Find in this conversation"
          data-testid="conversation-find"
          style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
        >
          <TextInput
            ref={input}
            size="xs"
            type="search"
            aria-label="Find in this conversation"
            placeholder="Find in this conversation"
            leftSection={<IconSearch size={14} aria-hidden />}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                step(event.shiftKey ? -1 : 1);
              } else if (event.key === 'Escape') {
                event.preventDefault();
                close();
              }
            }}
            style={{ flex: 1, minWidth: 0 }}
            autoFocus={!globalQ.trim()}
          />
          <Text
            size="xs"
            c="dimmed"
            aria-live="polite"
            data-testid="find-status"
            style={{ whiteSpace: 'nowrap' }}
          >
            {status}
          </Text>
          <Tooltip label="Previous match (Shift+Enter, Shift+F3)" withArrow>
            <ActionIcon
              variant="subtle"
              aria-label="Previous match"
              disabled={total === 0}
              onClick={() => step(-1)}
            >
              <IconChevronUp size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Next match (Enter, F3)" withArrow>
            <ActionIcon
              variant="subtle"
              aria-label="Next match"
              disabled={total === 0}
              onClick={() => step(1)}
            >
              <IconChevronDown size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Close find (Esc)" withArrow>
            <ActionIcon variant="subtle" color="gray" aria-label="Close find" onClick={close}>
              <IconX size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
        </Group>
      )}
    </div>
  );
}
