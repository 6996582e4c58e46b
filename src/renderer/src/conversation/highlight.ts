/**
 * Syntax highlighting, loaded on demand (CodeBlock imports this module with import()): the
 * grammars are a chunk of their own, so neither the list nor a conversation without code
 * waits for them.
 */
import { toJsxRuntime } from 'hast-util-to-jsx-runtime';
import { common, createLowlight } from 'lowlight';
import type { ReactNode } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';

const lowlight = createLowlight(common);

/** `code` as highlighted React elements (hljs-* classes), or null for a language it does not know. */
export function highlighted(code: string, language: string): ReactNode | null {
  if (!lowlight.registered(language)) return null;
  return toJsxRuntime(lowlight.highlight(language, code), { Fragment, jsx, jsxs });
}
