import { Typography } from '@mantine/core';
import ReactMarkdown, { type Components } from 'react-markdown';
import classes from './Markdown.module.css';

// Links leave the app (the desktop window opens them in the system browser).
const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" />,
};

/** Message text as Markdown. Raw HTML in it is shown as text, never rendered. */
export function Markdown({ text }: { text: string }) {
  return (
    <Typography className={classes.markdown} style={{ overflowWrap: 'anywhere' }} fz="sm">
      <ReactMarkdown skipHtml={false} components={components}>
        {text}
      </ReactMarkdown>
    </Typography>
  );
}
