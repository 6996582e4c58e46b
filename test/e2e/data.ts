/**
 * Putting data in for the e2e tests: through the HTTP API (Sim's POST /api/memory, which
 * stamps "now"), or, for chosen times, through the store before the server opens the
 * data dir.
 */

import { openStore } from '../../src/main/store';
import type { Role } from '../../src/shared/schemas/common';
import type { ServedMnemo } from './serve-fixture';

export interface Said {
  role: Role;
  content: string;
  /** epoch ms */
  at: number;
}

export interface Conversation {
  flowId?: string;
  sessionId: string;
  messages: Said[];
}

/** Inserts conversations with chosen message times (flows other than "default" are created). */
export async function seedAt(dataDir: string, conversations: Conversation[]): Promise<void> {
  const store = await openStore({ dataDir });
  try {
    const flows = new Set(conversations.map((c) => c.flowId ?? 'default'));
    for (const id of flows) {
      if (id !== 'default') await store.createFlow({ id, name: `Flow ${id}`, responder: { kind: 'echo' } });
    }
    await store.bulkInsert(
      conversations.map((c) => ({
        flowId: c.flowId ?? 'default',
        sessionId: c.sessionId,
        messages: c.messages.map((m) => ({
          role: m.role,
          content: m.content,
          createdAt: m.at,
          chatType: 'EXTERNAL' as const,
        })),
      })),
    );
  } finally {
    await store.close();
  }
}

/** One message through the Sim memory route, as a script would store it. */
export async function remember(
  mnemo: ServedMnemo,
  conversationId: string,
  role: Role,
  content: string,
  blockId?: string,
): Promise<void> {
  const response = await mnemo.api('/api/memory', { json: { conversationId, role, content, blockId } });
  if (!response.ok) throw new Error(`POST /api/memory: ${response.status} ${await response.text()}`);
}

/** GET an API path and read its JSON answer as the contract's type. */
export async function apiGet<T>(mnemo: ServedMnemo, pathAndQuery: string): Promise<T> {
  const response = await mnemo.api(pathAndQuery);
  if (!response.ok) throw new Error(`GET ${pathAndQuery}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
