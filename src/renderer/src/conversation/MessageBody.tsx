import { Button, Group, Text } from '@mantine/core';
import { LongMarkdown } from './LongMarkdown';
import { Markdown } from './Markdown';
import classes from './MessageBody.module.css';

/** Longer messages (in characters) are shown folded: Markdown of a megabyte takes seconds. */
export const FOLD_CHARS = 20_000;

export const isLong = (content: string) => content.length > FOLD_CHARS;

/** The first FOLD_CHARS or so of `content`, cut at a line end when one is near. */
export function foldedPart(content: string): string {
  if (!isLong(content)) return content;
  const lineEnd = content.lastIndexOf('\n', FOLD_CHARS);
  return content.slice(0, lineEnd > FOLD_CHARS * 0.8 ? lineEnd : FOLD_CHARS);
}

interface Props {
  content: string;
  /** Plain monospace text instead of Markdown. */
  raw: boolean;
  /** A long message shown whole. */
  expanded: boolean;
  onExpandedChange: (expanded: boolean) => void;
}

/** A message's text: Markdown or raw, and folded with "Show all" when it is long. */
export function MessageBody({ content, raw, expanded, onExpandedChange }: Props) {
  const long = isLong(content);
  const folded = long && !expanded;
  const shown = folded ? foldedPart(content) : content;
  return (
    <>
      <div className={folded ? classes.folded : undefined} data-folded={folded || undefined}>
        {raw ? (
          <pre className={classes.raw} dir="auto" data-testid="raw-text">
            {shown}
          </pre>
        ) : long && expanded ? (
          <LongMarkdown text={content} partSize={FOLD_CHARS} />
        ) : (
          <Markdown text={shown} />
        )}
      </div>
      {long && (
        <Group gap="sm" mt="xs">
          <Button
            size="compact-sm"
            variant="light"
            aria-expanded={expanded}
            onClick={() => onExpandedChange(!expanded)}
          >
            {expanded ? 'Show less' : 'Show all'}
          </Button>
          <Text size="xs" c="dimmed">
            {folded
              ? `Showing the first ${shown.length.toLocaleString()} of ${content.length.toLocaleString()} characters`
              : `${content.length.toLocaleString()} characters`}
          </Text>
        </Group>
      )}
    </>
  );
}
