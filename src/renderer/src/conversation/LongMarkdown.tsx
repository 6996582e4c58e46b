import { Stack } from '@mantine/core';
import { startTransition, useEffect, useMemo, useState } from 'react';
import { Markdown } from './Markdown';
import { markdownParts } from './markdownParts';

/**
 * A very long message's Markdown, rendered one part of about `partSize` characters after
 * another: the first part shows at once and the window stays responsive while the rest
 * (up to a megabyte) is parsed, and smaller parses are faster in total.
 */
export function LongMarkdown({ text, partSize }: { text: string; partSize: number }) {
  const parts = useMemo(() => markdownParts(text, partSize), [text, partSize]);
  const [shown, setShown] = useState(1);
  useEffect(() => {
    if (shown >= parts.length) return;
    const timer = setTimeout(() => startTransition(() => setShown(shown + 1)), 0);
    return () => clearTimeout(timer);
  }, [shown, parts.length]);
  return (
    <Stack gap="sm" aria-busy={shown < parts.length}>
      {parts.slice(0, shown).map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder
        <Markdown key={i} text={part} />
      ))}
    </Stack>
  );
}
