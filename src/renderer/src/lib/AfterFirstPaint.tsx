import { type ReactNode, useEffect, useState } from 'react';

/** The longest wait when no frame comes (a hidden window draws none). */
const FALLBACK_MS = 1_000;

/**
 * Its children, mounted once the page has painted its first frame (`fallback` until then): for
 * what that frame does not need (the modals' and notifications' hosts; the date pickers, drawn by a
 * look-alike), so that rendering and loading them does not delay the first rows. A task queued
 * from a frame callback runs after that frame is painted.
 */
export function AfterFirstPaint({
  children,
  fallback = null,
}: {
  children: ReactNode;
  fallback?: ReactNode;
}) {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    const show = () => setPainted(true);
    let task: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      task = setTimeout(show);
    });
    const fallback = setTimeout(show, FALLBACK_MS);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(task);
      clearTimeout(fallback);
    };
  }, []);
  return painted ? children : fallback;
}
