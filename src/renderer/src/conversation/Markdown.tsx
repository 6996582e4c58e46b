import { Typography } from '@mantine/core';
import type { Element, ElementContent } from 'hast';
import { memo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock';
import classes from './Markdown.module.css';

const textOf = (nodes: ElementContent[]): string =>
  nodes.map((n) => (n.type === 'text' ? n.value : n.type === 'element' ? textOf(n.children) : '')).join('');

/** A fenced block's code (without the newline Markdown ends it with) and its language. */
function codeOf(pre: Element | undefined): { code: string; language?: string } {
  const code = pre?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  const classNames = code?.properties.className;
  const language = (Array.isArray(classNames) ? classNames : [])
    .map(String)
    .find((c) => c.startsWith('language-'))
    ?.slice('language-'.length);
  return { code: textOf(code?.children ?? []).replace(/\n$/, ''), language };
}

/*
 * Each block of text finds its own direction (dir="auto"): an Arabic paragraph reads right
 * to left next to an English one. Code stays left to right (CodeBlock).
 */
const components: Components = {
  // Links leave the app: a new tab on the web page; the desktop window's navigation guard
  // hands them to the system browser (src/main/window-options.ts).
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
  p: ({ node: _node, ...props }) => <p dir="auto" {...props} />,
  li: ({ node: _node, ...props }) => <li dir="auto" {...props} />,
  blockquote: ({ node: _node, ...props }) => <blockquote dir="auto" {...props} />,
  h1: ({ node: _node, ...props }) => <h1 dir="auto" {...props} />,
  h2: ({ node: _node, ...props }) => <h2 dir="auto" {...props} />,
  h3: ({ node: _node, ...props }) => <h3 dir="auto" {...props} />,
  h4: ({ node: _node, ...props }) => <h4 dir="auto" {...props} />,
  h5: ({ node: _node, ...props }) => <h5 dir="auto" {...props} />,
  h6: ({ node: _node, ...props }) => <h6 dir="auto" {...props} />,
  td: ({ node: _node, ...props }) => <td dir="auto" {...props} />,
  th: ({ node: _node, ...props }) => <th dir="auto" {...props} />,
  // A wide table scrolls inside the message instead of widening the pane.
  table: ({ node: _node, ...props }) => (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region the keyboard must reach
    <div className={classes.tableScroll} tabIndex={0}>
      <table {...props} />
    </div>
  ),
  pre: ({ node }) => <CodeBlock {...codeOf(node)} />,
  // A task list's box shows done or not; it is not a control here.
  input: ({ node: _node, ...props }) =>
    props.type === 'checkbox' ? (
      <input {...props} aria-label={props.checked ? 'Done' : 'Not done'} />
    ) : (
      <input {...props} />
    ),
};

const remarkPlugins = [remarkGfm];

/**
 * Message text as GitHub-flavoured Markdown (tables, task lists, strikethrough, autolinks).
 * Raw HTML in it is shown as text, never rendered; react-markdown's default URL filter
 * drops javascript: and other unsafe link targets.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <Typography className={classes.markdown} dir="auto" fz="sm">
      <ReactMarkdown skipHtml={false} remarkPlugins={remarkPlugins} components={components}>
        {text}
      </ReactMarkdown>
    </Typography>
  );
});
