/**
 * Every error body the API answers (SPEC 3): what errors.ts writes, as the OpenAPI
 * document shows it on every operation.
 */
import { z } from 'zod';

/** Native and Flowise routes. Extra keys may come along (Flowise's isStreaming: false on a 404). */
export const ErrorBody = z.looseObject({
  statusCode: z.number().int().min(400).max(599),
  success: z.literal(false),
  message: z.string().describe('what is wrong, naming the field'),
});

/** Sim's memory routes (/api/memory...). */
export const SimErrorBody = z.looseObject({
  success: z.literal(false),
  error: z.string().describe('what is wrong, naming the field'),
});

/** The OpenAI-compatible routes (/v1/...): OpenAI's error shape, which the openai client reads. */
export const OpenAiErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.string().describe('what is wrong, naming the field'),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
