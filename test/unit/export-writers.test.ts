import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/main/memory/events';
import { ExportIncomplete, transferService } from '../../src/main/memory/transfer';
import type { ExportItem, Store } from '../../src/main/store';
import { tempStoreForEachTest } from '../helpers/temp-store';

const MIB = 1024 * 1024;
const temp = tempStoreForEachTest();

/** A message of about 1 MiB, different from the others by its number. */
const big = (n: number) => `${'lorem '.repeat(MIB / 6 - 2)}n${String(n).padStart(6, '0')}`;

const exportService = (store: Pick<Store, 'exportBatches'>) =>
  transferService({ store, events: new EventBus() } as unknown as Parameters<typeof transferService>[0]);

/** Reads an export to its end or its error. */
async function drain(chunks: AsyncGenerator<string>): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const chunk of chunks) text += chunk;
  } catch (error) {
    return { text, error };
  }
  return { text };
}

describe('export batches', () => {
  it('hold a few MiB of text at most (4 MiB and one message), however many messages a conversation has', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => ({
      role: 'user' as const,
      content: big(i),
      chatType: 'EXTERNAL' as const,
    }));
    await temp.store.bulkInsert([
      { flowId: 'default', sessionId: 'a', messages: messages.slice(0, 7) },
      { flowId: 'default', sessionId: 'b', messages: messages.slice(7) },
    ]);
    const seen: string[] = [];
    for await (const items of temp.store.exportBatches({})) {
      const chars = items
        .flatMap((item) => (item.type === 'messages' ? item.messages : []))
        .reduce((sum, m) => sum + m.content.length, 0);
      expect(chars).toBeLessThan(5 * MIB);
      for (const item of items)
        if (item.type === 'messages') seen.push(...item.messages.map((m) => m.content));
    }
    // Nothing lost or repeated where a batch was cut inside a conversation.
    expect(seen).toEqual(messages.map((m) => m.content));
  });
});

describe('an export that fails part-way', () => {
  async function* failing(): AsyncGenerator<ExportItem[]> {
    yield [
      {
        type: 'flow',
        flow: {
          id: 'default',
          name: 'Default',
          responder: { kind: 'echo' },
          retentionDays: null,
          publicEmbed: false,
          createdAt: 0,
          updatedAt: 0,
        },
      },
    ];
    yield [
      {
        type: 'session',
        session: {
          flowId: 'default',
          flowName: 'Default',
          sessionId: 's',
          title: 't',
          titleCustom: false,
          messageCount: 2,
          createdAt: 0,
          updatedAt: 0,
        },
      },
    ];
    throw new Error('database disk image is malformed');
  }

  it('JSON: ends with a line naming the cause, the text does not parse, and the stream throws', async () => {
    const out = exportService({ exportBatches: () => failing() }).export({ format: 'json' });
    const { text, error } = await drain(out.chunks);
    expect(error).toBeInstanceOf(ExportIncomplete);
    expect((error as Error).message).toBe(
      'the export stopped after 1 conversations and 0 messages: database disk image is malformed',
    );
    const lastLine = text.trimEnd().split('\n').at(-1) ?? '';
    expect(JSON.parse(lastLine)).toEqual({ error: `export incomplete: ${(error as Error).message}` });
    expect(() => JSON.parse(text)).toThrow();
  });

  it('Markdown: ends with a note that the export is incomplete, and the stream throws', async () => {
    const out = exportService({ exportBatches: () => failing() }).export({ format: 'markdown' });
    const { text, error } = await drain(out.chunks);
    expect(error).toBeInstanceOf(ExportIncomplete);
    expect(text).toContain('## t');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      `**Export incomplete:** the file stops here because ${(error as Error).message}`,
    );
  });
});
