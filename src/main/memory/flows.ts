/**
 * Flows (Flowise chatflows, Sim blocks): listing with live session counts, create,
 * update, delete, and the provider key kept through the SecretStore (never read back).
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../shared/contract';
import { DEFAULT_FLOW_ID, type Flow, ResponderConfig } from '../../shared/schemas/flows';
import { HttpError, notFound } from '../http/errors';
import type { FlowRecord } from '../store';
import type { ServiceContext } from '.';
import { SecretsUnavailableError } from './secrets';

export interface FlowChanges {
  name?: string;
  responder?: ResponderConfig;
  /** A key to keep; null removes it; undefined leaves it as it is. */
  apiKey?: string | null;
  /** Days without activity before conversations go to the trash; null keeps them; undefined leaves it. */
  retentionDays?: number | null;
  /** Whether allowlisted web pages may call it without the key; undefined leaves it. */
  publicEmbed?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

const hasKeyVariable = (value: unknown): value is { apiKeyEnv: unknown } =>
  typeof value === 'object' && value !== null && 'apiKeyEnv' in value;

/** The stored responder, checked: a row edited by hand must not reach a responder unchecked. */
export function readResponder(flow: FlowRecord): ResponderConfig {
  let parsed = ResponderConfig.safeParse(flow.responder);
  if (!parsed.success && hasKeyVariable(flow.responder)) {
    // A variable named before PROVIDER_KEY_VARIABLE was the rule is dropped, never read.
    const { apiKeyEnv: _dropped, ...rest } = flow.responder;
    parsed = ResponderConfig.safeParse(rest);
  }
  if (!parsed.success) {
    throw new HttpError(
      500,
      `the stored responder of flow "${flow.id}" is invalid (${parsed.error.issues[0]?.message}); set it again with PATCH /api/v1/flows/${flow.id}`,
    );
  }
  return parsed.data;
}

export function flowService(context: ServiceContext) {
  const { store, secrets, events } = context;

  async function toFlow(record: FlowRecord & { sessionCount: number }): Promise<Flow> {
    return {
      id: record.id,
      name: record.name,
      responder: readResponder(record),
      hasApiKey: await secrets.has(record.id),
      retentionDays: record.retentionDays,
      publicEmbed: record.publicEmbed,
      sessionCount: record.sessionCount,
      createdAt: iso(record.createdAt),
      updatedAt: iso(record.updatedAt),
    };
  }

  /** Refuses a key where it cannot be kept, before anything is written. */
  function checkKeyStorable(apiKey: string | null | undefined): void {
    if (typeof apiKey === 'string' && !secrets.available) {
      throw new HttpError(400, `body field "apiKey": ${new SecretsUnavailableError().message}`);
    }
  }

  async function storeKey(flowId: string, apiKey: string | null | undefined): Promise<void> {
    if (apiKey === undefined || (apiKey === null && !secrets.available)) return;
    await secrets.set(flowId, apiKey);
  }

  async function get(id: string): Promise<Flow> {
    const record = await store.getFlowWithCount(id);
    if (!record) throw notFound(`flow "${id}" not found`);
    return toFlow(record);
  }

  return {
    get,

    list: async (): Promise<Flow[]> => Promise.all((await store.listFlowsWithCounts()).map(toFlow)),

    async create(
      input: { id?: string; name: string; responder: ResponderConfig } & FlowChanges,
    ): Promise<Flow> {
      checkKeyStorable(input.apiKey);
      const id = input.id ?? randomUUID();
      const created = await store.createFlow({
        id,
        name: input.name,
        responder: input.responder,
        retentionDays: input.retentionDays,
        publicEmbed: input.publicEmbed,
      });
      if (!created) throw new HttpError(409, `a flow with id "${id}" already exists`);
      await storeKey(id, input.apiKey);
      events.publish({ type: 'flow.changed', flowId: id });
      return get(id);
    },

    async update(id: string, changes: FlowChanges): Promise<Flow> {
      const current = await store.getFlow(id);
      if (!current) throw notFound(`flow "${id}" not found`);
      checkKeyStorable(changes.apiKey);
      const responder = changes.responder ?? readResponder(current);
      const updated = await store.updateFlow({
        id,
        name: changes.name ?? current.name,
        responder,
        retentionDays: changes.retentionDays === undefined ? current.retentionDays : changes.retentionDays,
        publicEmbed: changes.publicEmbed ?? current.publicEmbed,
      });
      if (!updated) throw notFound(`flow "${id}" not found`);
      await storeKey(id, changes.apiKey);
      events.publish({ type: 'flow.changed', flowId: id });
      return get(id);
    },

    /** Deletes a flow with its conversations; returns how many conversations went. */
    async remove(id: string): Promise<number> {
      if (id === DEFAULT_FLOW_ID) {
        throw new HttpError(
          403,
          'the "default" flow cannot be deleted (it always exists); rename it instead',
        );
      }
      const conversations = await store.deleteFlow(id);
      if (conversations === undefined) throw notFound(`flow "${id}" not found`);
      if (secrets.available) await secrets.set(id, null);
      events.publish({ type: 'flow.changed', flowId: id });
      events.publish({ type: 'trash.changed' });
      return conversations;
    },
  };
}

export type FlowService = ReturnType<typeof flowService>;

type FlowHandlers = Pick<Handlers, 'listFlows' | 'createFlow' | 'updateFlow' | 'deleteFlow'>;

/** The native operations over the same service. */
export function flowHandlers(flows: FlowService): FlowHandlers {
  return {
    listFlows: async () => ({ items: await flows.list() }),
    createFlow: (input) => flows.create(input),
    updateFlow: ({ flowId, ...changes }) => flows.update(flowId, changes),
    deleteFlow: async ({ flowId }) => ({ count: await flows.remove(flowId) }),
  };
}
