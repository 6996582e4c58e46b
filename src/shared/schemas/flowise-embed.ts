/**
 * What Flowise's embed widget (npm flowise-embed) asks besides a prediction: the flow's
 * public chatbot config and the stop button's abort, in Flowise's shapes.
 */
import { z } from 'zod';
import { FlowId, SessionId } from './common';

export const ChatbotConfigParams = z.object({ id: FlowId });

/**
 * Flowise answers the flow's chatbotConfig JSON spread out, plus `uploads`, `flowData` and
 * `isTTSEnabled`. A Mnemo flow has no widget settings, uploads or speech, so the widget
 * gets its defaults (its own props still theme it).
 */
export const PublicChatbotConfig = z.object({
  uploads: z.object({
    isSpeechToTextEnabled: z.boolean(),
    isImageUploadAllowed: z.boolean(),
    isRAGFileUploadAllowed: z.boolean(),
    imgUploadSizeAndTypes: z.array(z.unknown()),
    fileUploadSizeAndTypes: z.array(z.unknown()),
  }),
  flowData: z.string().describe('always an empty graph: Mnemo flows have no nodes'),
  isTTSEnabled: z.boolean(),
});
export type PublicChatbotConfig = z.infer<typeof PublicChatbotConfig>;

export const AbortParams = z.object({ flowId: FlowId, chatId: SessionId });

export const AbortAnswer = z.object({
  status: z.literal(200),
  message: z.string(),
  stopped: z
    .number()
    .int()
    .min(0)
    .describe('how many running answers of this chatId were stopped (Mnemo adds this)'),
});
export type AbortAnswer = z.infer<typeof AbortAnswer>;
