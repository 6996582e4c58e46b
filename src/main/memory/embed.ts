/**
 * What Flowise's embed widget needs of a flow besides predictions: its public config, the
 * stop button, and whether a page may call it without the key (the flow's publicEmbed).
 */
import type { AbortAnswer, PublicChatbotConfig } from '../../shared/schemas/flowise-embed';
import { notFound } from '../http/errors';
import type { ServiceContext } from '.';
import { runningTurnsOf } from './prediction';
import { TurnStoppedError } from './stopped-turn';

const EMPTY_FLOW_DATA = JSON.stringify({ nodes: [], edges: [] });

export function embedService({ store }: Pick<ServiceContext, 'store'>) {
  async function mustExist(flowId: string): Promise<void> {
    if (!(await store.getFlow(flowId))) throw notFound(`flow "${flowId}" not found`);
  }

  return {
    async chatbotConfig(flowId: string): Promise<PublicChatbotConfig> {
      await mustExist(flowId);
      return {
        uploads: {
          isSpeechToTextEnabled: false,
          isImageUploadAllowed: false,
          isRAGFileUploadAllowed: false,
          imgUploadSizeAndTypes: [],
          fileUploadSizeAndTypes: [],
        },
        flowData: EMPTY_FLOW_DATA,
        isTTSEnabled: false,
      };
    },

    /** Stops every answer running for the flow's chatId (none running is not an error, as in Flowise). */
    async stopChat(flowId: string, chatId: string): Promise<AbortAnswer> {
      await mustExist(flowId);
      const stopped = runningTurnsOf(store).stopChat(flowId, chatId, new TurnStoppedError());
      return { status: 200, message: 'Chat message aborted', stopped };
    },

    /** Whether web pages on allowlisted origins may call the flow without the key. */
    async isPublicEmbed(flowId: string): Promise<boolean> {
      return (await store.getFlow(flowId))?.publicEmbed === true;
    },
  };
}
