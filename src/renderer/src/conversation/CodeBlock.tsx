import classes from './CodeBlock.module.css';
import { CopyIconButton } from './CopyIconButton';
import { useHighlighted } from './useHighlighted';

interface Props {
  code: string;
  /** The fence's language (```ts), if it named one. */
  language?: string;
}

/**
 * A fenced code block: its language, a copy button, and the code, plain at first and
 * highlighted once the highlighter has loaded. Always left to right, whatever the message.
 */
export function CodeBlock({ code, language }: Props) {
  const highlighted = useHighlighted(code, language);
  return (
    <div className={classes.block} dir="ltr" data-testid="code-block">
      <div className={classes.bar}>
        <span className={classes.language}>{language ?? 'text'}</span>
        <CopyIconButton value={code} label="Copy code" copiedLabel="Code copied" />
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long line scrolls sideways, and the keyboard must reach that too */}
      <pre tabIndex={0}>
        <code className={language ? `hljs language-${language}` : undefined}>{highlighted ?? code}</code>
      </pre>
    </div>
  );
}
