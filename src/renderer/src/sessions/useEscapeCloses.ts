import { useEffect } from 'react';

/** Something open that Esc should close first: a dialog, a menu, a popover, a select's options. */
const OPEN_LAYER = '[role="dialog"], [role="menu"], .mantine-Popover-dropdown, .mantine-Combobox-dropdown';

function typedText(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return target.value !== '';
  return target instanceof HTMLElement && target.isContentEditable && !!target.textContent;
}

/**
 * Esc runs `close` unless Esc means something else here: closing an open layer, or clearing the
 * text field that has focus. Listened to before anything else (capture on window), so what is
 * open is seen as it was when the key was pressed.
 */
export function useEscapeCloses(close: (() => void) | undefined): void {
  useEffect(() => {
    if (!close) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.isComposing || event.repeat) return;
      if (document.querySelector(OPEN_LAYER) || typedText(event.target)) return;
      close();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [close]);
}
