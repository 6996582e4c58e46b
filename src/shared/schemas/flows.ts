import { z } from 'zod';
import { FlowId } from './common';

export const EchoResponder = z.object({ kind: z.literal('echo') });

export const OpenAiResponder = z.object({
  kind: z.literal('openai-compatible'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1).max(200),
  /** Name of the environment variable that holds the key, where safeStorage is not available. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/)
    .optional(),
  systemPrompt: z.string().max(100_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  memoryMessages: z.number().int().min(0).max(10_000).default(20),
  memoryTokens: z.number().int().min(1).max(10_000_000).optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
});

export const ResponderConfig = z.discriminatedUnion('kind', [EchoResponder, OpenAiResponder]);
export type ResponderConfig = z.infer<typeof ResponderConfig>;

export const Flow = z.object({
  id: FlowId,
  name: z.string(),
  responder: ResponderConfig,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Flow = z.infer<typeof Flow>;

export const DEFAULT_FLOW_ID = 'default';
