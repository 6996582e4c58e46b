/**
 * A page of one conversation for an agent: the newest messages first fetched, shown
 * oldest to newest, within a character budget (a model's context is small). When the
 * budget ends a page early, the page is asked for again with fewer messages, so that its
 * cursor (the service's own) goes on right before the oldest message shown.
 */
import type { Handlers } from '../../shared/contract';
import type { Message } from '../../shared/schemas/sessions';

export interface PageRequest {
  flowId: string;
  sessionId: string;
  limit: number;
  maxChars: number;
  cursor?: string;
}

export interface ShownMessage {
  id: string;
  role: Message['role'];
  createdAt: string;
  content: string;
  /** Set when the content was cut to the budget: its whole length in characters. */
  fullLength?: number;
}

/** How many of these (newest first) fit the budget; at least one, which may then be cut. */
function fitting(messages: Message[], maxChars: number): number {
  let used = 0;
  for (let i = 0; i < messages.length; i += 1) {
    used += (messages[i] as Message).content.length;
    if (used > maxChars) return Math.max(i, 1);
  }
  return messages.length;
}

function shown(message: Message, maxChars: number): ShownMessage {
  const base = { id: message.id, role: message.role, createdAt: message.createdAt };
  if (message.content.length <= maxChars) return { ...base, content: message.content };
  return { ...base, content: `${message.content.slice(0, maxChars)}…`, fullLength: message.content.length };
}

export async function conversationPage(handlers: Pick<Handlers, 'getSession'>, request: PageRequest) {
  const ask = (limit: number) =>
    handlers.getSession({
      flowId: request.flowId,
      sessionId: request.sessionId,
      sort: 'DESC',
      limit,
      cursor: request.cursor,
    });
  let page = await ask(request.limit);
  const fit = fitting(page.messages, request.maxChars);
  if (fit < page.messages.length) page = await ask(fit);
  return {
    flowId: page.flowId,
    flowName: page.flowName,
    sessionId: page.sessionId,
    title: page.title,
    messageCount: page.messageCount,
    createdAt: page.createdAt,
    updatedAt: page.updatedAt,
    /** Oldest first: the newest message is last. */
    messages: page.messages.map((m) => shown(m, request.maxChars)).reverse(),
    /** Pass as `cursor` for the messages before these; null when these reach the first. */
    nextCursor: page.nextCursor,
  };
}
