/**
 * What the composer of each conversation holds while the person looks elsewhere (kept for
 * this page's lifetime), and the first message of a conversation started from the "New
 * conversation" dialog, which its composer sends once it opens.
 */
const drafts = new Map<string, string>();
const firstMessages = new Map<string, string>();

const keyOf = (flowId: string, sessionId: string) => JSON.stringify([flowId, sessionId]);

export function readDraft(flowId: string, sessionId: string): string {
  return drafts.get(keyOf(flowId, sessionId)) ?? '';
}

export function keepDraft(flowId: string, sessionId: string, text: string): void {
  if (text === '') drafts.delete(keyOf(flowId, sessionId));
  else drafts.set(keyOf(flowId, sessionId), text);
}

/** The new conversation's first message, for its composer to send. */
export function startConversation(flowId: string, sessionId: string, content: string): void {
  firstMessages.set(keyOf(flowId, sessionId), content);
}

/** Whether this conversation was just started here and its first message is not stored yet. */
export function isStarting(flowId: string, sessionId: string): boolean {
  return firstMessages.has(keyOf(flowId, sessionId));
}

/** The first message to send (once: taking it removes it). */
export function takeFirstMessage(flowId: string, sessionId: string): string | undefined {
  const key = keyOf(flowId, sessionId);
  const content = firstMessages.get(key);
  firstMessages.delete(key);
  return content;
}
