import { type ReactNode, useEffect, useState } from 'react';

/** The longest wait when no frame comes (a hidden window draws none). */
const FALLBACK_MS = 1_000;

/**
 * False until the page has painted its first frame, then true: for what that frame does not
 * need (the modals' and notifications' hosts; the date pickers, drawn by a look-alike), so that
 * rendering and loading them does not delay the first rows. A task queued from the frame
 * callback of the frame after the first one: the first is then presented, and its raster (on
 * another thread, which a busy machine may not run at once) is not competing with this work.
 */
export function useAfterFirstPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    const show = () => setPainted(true);
    let task: ReturnType<typeof setTimeout> | undefined;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        task = setTimeout(show);
      });
    });
    const fallback = setTimeout(show, FALLBACK_MS);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(task);
      clearTimeout(fallback);
    };
  }, []);
  return painted;
}

/** Its children once the first frame is painted (useAfterFirstPaint), `fallback` until then. */
export function AfterFirstPaint({
  children,
  fallback = null,
}: {
  children: ReactNode;
  fallback?: ReactNode;
}) {
  return useAfterFirstPaint() ? children : fallback;
}
