import { Badge, Skeleton } from '@mantine/core';
import { memo } from 'react';
import type { SessionSummary } from '../../../shared/schemas/sessions';
import { centredSnippet } from '../lib/centredSnippet';
import { plural } from '../lib/count';
import { Highlighted } from '../lib/Highlighted';
import { plainText } from '../lib/plainText';
import { absoluteTimeOf, relativeTimeOf } from '../lib/time';
import classes from './SessionRow.module.css';

export const ROW_HEIGHT = 92;

export const sessionKeyOf = (s: Pick<SessionSummary, 'flowId' | 'sessionId'>) =>
  JSON.stringify([s.flowId, s.sessionId]);

interface RowProps {
  session: SessionSummary;
  index: number;
  /** Offset from the top of the list, px. */
  start: number;
  setSize: number;
  active: boolean;
  open: boolean;
  by: 'updated' | 'created';
  onSelect: (index: number, session: SessionSummary) => void;
}

// Mantine's Badge (size xs, variant light, the primary colour, no text transform) as its markup
// and classes: the same look without a component per row.
const BADGE_CLASS = `${Badge.classes.root} mantine-Badge-root ${classes.badge}`;
const BADGE_LABEL_CLASS = `${Badge.classes.label} mantine-Badge-label`;

const place = (start: number) => ({ height: ROW_HEIGHT, transform: `translateY(${start}px)` });

/**
 * One conversation in the list: title, flow, preview (or the search match), count and times.
 * Plain elements styled as Mantine's Group and Text (SessionRow.module.css): the list renders
 * a screenful of rows at once, and eight Mantine components fewer per row is a faster first view.
 */
export const SessionRow = memo(function SessionRow({
  session,
  index,
  start,
  setSize,
  active,
  open,
  by,
  onSelect,
}: RowProps) {
  const time = by === 'created' ? session.createdAt : session.updatedAt;
  const timeLabel = by === 'created' ? 'created' : 'last activity';
  const messages = plural(session.messageCount, 'message');
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox around the rows handles the keys (arrows, Enter, Delete)
    <div
      id={`session-row-${index}`}
      role="option"
      tabIndex={-1}
      aria-selected={open}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      aria-label={`${session.title}, ${session.flowName}, ${messages}, ${timeLabel} ${relativeTimeOf(time)}`}
      data-active={active || undefined}
      data-open={open || undefined}
      className={classes.row}
      style={place(start)}
      onClick={() => onSelect(index, session)}
    >
      <div className={classes.line}>
        <p
          className={`${classes.text} ${classes.sm} ${classes.title}`}
          data-testid="row-title"
          elementtiming="session-row"
        >
          {session.title}
        </p>
        <p
          className={`${classes.text} ${classes.xs} ${classes.dimmed} ${classes.fixed}`}
          title={absoluteTimeOf(time)}
        >
          {relativeTimeOf(time)}
        </p>
      </div>
      <p
        className={`${classes.text} ${classes.sm} ${classes.dimmed} ${classes.preview}`}
        data-testid="row-preview"
      >
        {session.snippet ? (
          <Highlighted snippet={centredSnippet(plainText(session.snippet))} />
        ) : (
          plainText(session.preview)
        )}
      </p>
      <div className={classes.line}>
        <div className={classes.flowAndCount}>
          <div className={BADGE_CLASS} data-variant="light" data-size="xs">
            <span className={BADGE_LABEL_CLASS}>{session.flowName}</span>
          </div>
          <p className={`${classes.text} ${classes.xs} ${classes.dimmed} ${classes.fixed}`}>{messages}</p>
        </div>
        <p className={`${classes.text} ${classes.xs} ${classes.dimmed} ${classes.fixed}`}>
          {absoluteTimeOf(time)}
        </p>
      </div>
    </div>
  );
});

/** A row whose page has not arrived yet. */
export function PendingRow({ start }: { start: number }) {
  return (
    <div className={classes.row} style={place(start)} aria-hidden>
      <Skeleton h={14} w="60%" mb={8} />
      <Skeleton h={12} w="90%" mb={8} />
      <Skeleton h={10} w="40%" />
    </div>
  );
}
