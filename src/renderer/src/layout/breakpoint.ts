import { em } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/**
 * From this width up, the sidebar stays open and the list and the open conversation sit side
 * by side; below it the sidebar is a drawer and one pane shows at a time.
 */
export const WIDE_MIN_PX = 1100;
export const WIDE_QUERY = `(min-width: ${em(WIDE_MIN_PX)})`;

/** Whether the window is at least WIDE_MIN_PX wide (known on the first render, so no pane flashes). */
export function useWide(): boolean {
  return useMediaQuery(WIDE_QUERY, window.matchMedia(WIDE_QUERY).matches, {
    getInitialValueInEffect: false,
  });
}
