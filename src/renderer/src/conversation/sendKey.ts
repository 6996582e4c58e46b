import { useLocalStorage } from '@mantine/hooks';

/**
 * Which key sends in the composer: Enter (Shift+Enter adds a line), the default, or
 * Ctrl/Cmd+Enter (Enter adds a line). Kept in localStorage, as the theme is.
 */
export type SendKey = 'enter' | 'mod-enter';

export function useSendKey() {
  return useLocalStorage<SendKey>({
    key: 'mnemo.sendKey',
    defaultValue: 'enter',
    getInitialValueInEffect: false,
  });
}

/** Whether this key press sends the message. Ctrl/Cmd+Enter always sends. */
export function isSendKey(
  event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey' | 'isComposing'>,
  sendKey: SendKey,
): boolean {
  if (event.key !== 'Enter' || event.isComposing) return false;
  if (event.ctrlKey || event.metaKey) return true;
  return sendKey === 'enter' && !event.shiftKey && !event.altKey;
}
