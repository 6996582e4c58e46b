import { z } from 'zod';
import { RESPONDER_ERROR_KINDS } from '../responder-error';
import { FlowId, isWellFormed, NOT_WELL_FORMED } from './common';

/**
 * The environment variables a flow may send as its provider key: by their name they hold
 * one (OPENAI_API_KEY, GROQ_API_KEY...). Any other (PATH, HOME, Mnemo's own key) would be
 * sent as a bearer token to whatever URL the flow names (docs/SECURITY.md).
 */
export const PROVIDER_KEY_VARIABLE = /^(?!MNEMO_)[A-Z][A-Z0-9_]{0,119}_API_KEY$/;

export const EchoResponder = z.object({ kind: z.literal('echo') });

export const OpenAiResponder = z.object({
  kind: z.literal('openai-compatible'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1).max(200),
  /** Name of the environment variable that holds the key, where safeStorage is not available. */
  apiKeyEnv: z
    .string()
    .regex(
      PROVIDER_KEY_VARIABLE,
      'must name a provider key variable: capitals, digits and _, ending in _API_KEY, not MNEMO_*',
    )
    .optional(),
  systemPrompt: z.string().max(100_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  memoryMessages: z.number().int().min(0).max(10_000).default(20),
  memoryTokens: z.number().int().min(1).max(10_000_000).optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
});

export const ResponderConfig = z.discriminatedUnion('kind', [EchoResponder, OpenAiResponder]);
export type ResponderConfig = z.infer<typeof ResponderConfig>;

export const FlowName = z.string().trim().min(1).max(200).refine(isWellFormed, NOT_WELL_FORMED);

/** Days without activity after which a flow's conversations go to the trash; null keeps them. */
export const RetentionDays = z
  .number()
  .int()
  .min(1)
  .max(36_500)
  .nullable()
  .describe('move conversations with no message for this many days to the trash; null keeps them');

/** Flowise's embed widget on an allowlisted page may call the flow without the key (off by default). */
export const PublicEmbed = z
  .boolean()
  .describe(
    "true: web pages whose origin is in the CORS allowlist may call this flow's prediction, chatbot-config and abort routes without the API key (as Flowise serves a flow without an API key)",
  );

/** A flow as the native API shows it: never its secret, only whether it has one. */
export const Flow = z.object({
  id: FlowId,
  name: z.string(),
  responder: ResponderConfig,
  hasApiKey: z.boolean(),
  retentionDays: RetentionDays,
  publicEmbed: PublicEmbed,
  sessionCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Flow = z.infer<typeof Flow>;

export const FlowList = z.object({ items: z.array(Flow) });

/** A provider key to keep (safeStorage where available); null removes it. */
export const ApiKeyInput = z.string().min(1).max(1000).nullable().optional();

export const CreateFlowBody = z.object({
  id: FlowId.optional().describe('defaults to a new UUID'),
  name: FlowName,
  responder: ResponderConfig.default({ kind: 'echo' }),
  apiKey: ApiKeyInput,
  retentionDays: RetentionDays.optional(),
  publicEmbed: PublicEmbed.optional(),
});

export const UpdateFlowBody = z.object({
  name: FlowName.optional(),
  responder: ResponderConfig.optional(),
  apiKey: ApiKeyInput,
  retentionDays: RetentionDays.optional(),
  publicEmbed: PublicEmbed.optional(),
});

export const FlowKey = z.object({ flowId: FlowId });

export const DeleteFlowQuery = z.object({
  confirm: z.literal('true', { error: 'deleting a flow deletes its conversations: add ?confirm=true' }),
});

export const TestFlowResult = z.object({
  ok: z.boolean(),
  message: z.string(),
  latencyMs: z.number(),
  /** Why it failed, in a word the window phrases. */
  errorKind: z.enum(RESPONDER_ERROR_KINDS).optional(),
});

export const Settings = z.object({
  /** Origins allowed CORS grants, besides MNEMO_CORS_ORIGINS. */
  corsOrigins: z.array(z.url()).max(50),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_FLOW_ID = 'default';

/**
 * Where to ask for the models a server lists: the base URL the flow form shows, and a key
 * typed there, or a variable's name, or (same base URL only) the key stored for flowId.
 */
export const ListModelsBody = z.object({
  baseUrl: OpenAiResponder.shape.baseUrl,
  apiKey: z.string().min(1).max(1000).optional(),
  apiKeyEnv: OpenAiResponder.shape.apiKeyEnv,
  flowId: FlowId.optional().describe("use this flow's stored key when baseUrl is the flow's own"),
});
export const ModelList = z.object({ items: z.array(z.object({ id: z.string() })) });
