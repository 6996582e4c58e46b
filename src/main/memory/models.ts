/**
 * The models an OpenAI-compatible server lists, for the flow form's model field. The key
 * sent is the one typed in the form, else the variable it names, else the flow's stored
 * key, and that only to the flow's own base URL: a stored key never goes to a new address.
 */
import type { Handlers } from '../../shared/contract';
import type { ServiceContext } from '.';
import { readResponder } from './flows';
import { listServerModels } from './responders/openai-compatible';

export function modelHandlers({ store, secrets }: ServiceContext): Pick<Handlers, 'listModels'> {
  async function storedKey(flowId: string | undefined, baseUrl: string): Promise<string | undefined> {
    if (flowId === undefined) return undefined;
    const flow = await store.getFlow(flowId);
    if (!flow) return undefined;
    const responder = readResponder(flow);
    if (responder.kind !== 'openai-compatible' || responder.baseUrl !== baseUrl) return undefined;
    return (
      (await secrets.get(flowId)) || (responder.apiKeyEnv ? process.env[responder.apiKeyEnv] : undefined)
    );
  }

  return {
    listModels: async ({ baseUrl, apiKey, apiKeyEnv, flowId }) => {
      const key =
        apiKey ?? (apiKeyEnv ? process.env[apiKeyEnv] : undefined) ?? (await storedKey(flowId, baseUrl));
      const ids = await listServerModels(baseUrl, key || undefined);
      return { items: ids.map((id) => ({ id })) };
    },
  };
}
