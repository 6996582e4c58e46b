import { z } from 'zod';

/**
 * What the server tells every open window and web page (SSE at /api/v1/events, and
 * IPC in the desktop app), so they update live when a script writes.
 */
export const MnemoEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.changed'), flowId: z.string(), sessionId: z.string() }),
  z.object({ type: z.literal('session.deleted'), flowId: z.string(), sessionId: z.string() }),
  z.object({ type: z.literal('flow.changed'), flowId: z.string() }),
  z.object({ type: z.literal('trash.changed') }),
  /** A piece of an answer being streamed for the window's `continueSession` call. */
  z.object({ type: z.literal('answer.delta'), requestId: z.string(), text: z.string() }),
]);
export type MnemoEvent = z.infer<typeof MnemoEvent>;
export const EVENT_CHANNEL = 'mnemo:event';
