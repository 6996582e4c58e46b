import { type ReactNode, useEffect, useMemo, useState } from 'react';

type Highlighter = typeof import('./highlight');

let loaded: Highlighter | undefined;
let loading: Promise<Highlighter> | undefined;

function loadHighlighter(): Promise<Highlighter> {
  loading ??= import('./highlight').then((module) => {
    loaded = module;
    return module;
  });
  return loading;
}

/**
 * `code` highlighted as `language`, once the highlighter chunk has loaded (at once if it
 * already has). Null until then, without a language, for a language it does not know, or
 * if the chunk failed to load: the caller shows the plain code.
 */
export function useHighlighted(code: string, language: string | undefined): ReactNode | null {
  const [ready, setReady] = useState(loaded !== undefined);
  useEffect(() => {
    if (!language || ready) return;
    let current = true;
    loadHighlighter().then(
      () => current && setReady(true),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [language, ready]);
  return useMemo(
    () => (ready && language && loaded ? loaded.highlighted(code, language) : null),
    [ready, code, language],
  );
}
