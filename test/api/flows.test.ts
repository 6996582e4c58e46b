import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SafeStorageLike, safeStorageSecrets } from '../../src/main/memory/secrets';
import { startTestServer, type TestServer } from '../helpers/server';

interface Flow {
  id: string;
  name: string;
  responder: Record<string, unknown>;
  hasApiKey: boolean;
  sessionCount: number;
  createdAt: string;
  updatedAt: string;
}
interface ChatFlow {
  id: string;
  name: string;
  flowData: string;
  deployed: boolean;
  type: string;
  createdDate: string;
  updatedDate: string;
  mnemo: { responder: Record<string, unknown>; hasApiKey: boolean; sessionCount: number };
}

const OLLAMA = { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const json = async <T>(res: Response, status = 200): Promise<T> => {
  expect(res.status).toBe(status);
  return (await res.json()) as T;
};
const addMessage = (blockId: string, conversationId: string) =>
  server.request('/api/memory', {
    method: 'POST',
    json: { conversationId, blockId, role: 'user', content: 'hi' },
  });

describe('native flow operations', () => {
  it('listFlows: "default" first, each with its live session count', async () => {
    await server.request('/api/v1/flows', { method: 'POST', json: { id: 'aaa-first-by-name', name: 'AAA' } });
    await addMessage('aaa-first-by-name', 'x');
    await addMessage('aaa-first-by-name', 'y');
    await addMessage('default', 'z');
    const { items } = await json<{ items: Flow[] }>(await server.request('/api/v1/flows'));
    expect(items[0]).toMatchObject({ id: 'default', name: 'Default', responder: { kind: 'echo' } });
    expect(items.find((f) => f.id === 'aaa-first-by-name')?.sessionCount).toBe(2);

    // A conversation moved to the trash no longer counts.
    await server.request('/api/v1/chatmessage/aaa-first-by-name?sessionId=x&trash=true', {
      method: 'DELETE',
    });
    const after = await json<{ items: Flow[] }>(await server.request('/api/v1/flows'));
    expect(after.items.find((f) => f.id === 'aaa-first-by-name')?.sessionCount).toBe(1);
  });

  it('createFlow: a new UUID when no id is given, echo by default, times in ISO', async () => {
    const flow = await json<Flow>(
      await server.request('/api/v1/flows', { method: 'POST', json: { name: '  Notes  ' } }),
    );
    expect(flow.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(flow).toMatchObject({
      name: 'Notes',
      responder: { kind: 'echo' },
      hasApiKey: false,
      sessionCount: 0,
    });
    expect(new Date(flow.createdAt).toISOString()).toBe(flow.createdAt);
  });

  it('createFlow with an id and a responder; 409 when the id exists', async () => {
    const flow = await json<Flow>(
      await server.request('/api/v1/flows', {
        method: 'POST',
        json: { id: 'local-llm', name: 'Local', responder: OLLAMA },
      }),
    );
    // Defaults of the responder schema are filled in.
    expect(flow.responder).toEqual({ ...OLLAMA, memoryMessages: 20, timeoutMs: 60_000 });
    const again = await server.request('/api/v1/flows', {
      method: 'POST',
      json: { id: 'local-llm', name: 'Other' },
    });
    expect(await json(again, 409)).toEqual({
      statusCode: 409,
      success: false,
      message: expect.stringContaining('local-llm'),
    });
  });

  it('updateFlow renames and changes the responder; 404 for an unknown flow', async () => {
    await server.request('/api/v1/flows', { method: 'POST', json: { id: 'to-edit', name: 'Before' } });
    const renamed = await json<Flow>(
      await server.request('/api/v1/flows/to-edit', { method: 'PATCH', json: { name: 'After' } }),
    );
    expect(renamed).toMatchObject({ name: 'After', responder: { kind: 'echo' } });
    const switched = await json<Flow>(
      await server.request('/api/v1/flows/to-edit', { method: 'PATCH', json: { responder: OLLAMA } }),
    );
    expect(switched).toMatchObject({ name: 'After', responder: OLLAMA });
    const missing = await server.request('/api/v1/flows/nope', { method: 'PATCH', json: { name: 'x' } });
    expect(missing.status).toBe(404);
  });

  it('deleteFlow needs ?confirm=true, refuses "default", and takes the conversations with it', async () => {
    await server.request('/api/v1/flows', { method: 'POST', json: { id: 'doomed', name: 'Doomed' } });
    await addMessage('doomed', 'one');
    await addMessage('doomed', 'two');
    await server.request('/api/v1/chatmessage/doomed?sessionId=two&trash=true', { method: 'DELETE' });

    const unconfirmed = await server.request('/api/v1/flows/doomed', { method: 'DELETE' });
    expect(await json(unconfirmed, 400)).toMatchObject({ message: expect.stringContaining('"confirm"') });
    expect((await server.request('/api/v1/chatmessage/doomed')).status).toBe(200);

    const removed = await json<{ count: number }>(
      await server.request('/api/v1/flows/doomed?confirm=true', { method: 'DELETE' }),
    );
    expect(removed).toEqual({ count: 2 }); // the live conversation and the trashed one
    expect((await server.request('/api/v1/chatmessage/doomed')).status).toBe(404);
    expect(await json(await server.request('/api/memory?conversationId=one'))).toMatchObject({
      memories: [],
    });

    const defaultFlow = await server.request('/api/v1/flows/default?confirm=true', { method: 'DELETE' });
    expect(await json(defaultFlow, 403)).toMatchObject({ message: expect.stringContaining('default') });
    expect((await server.request('/api/v1/flows/nope?confirm=true', { method: 'DELETE' })).status).toBe(404);
  });

  it('headless: refuses to store a provider key with a clear 400, creating nothing', async () => {
    const res = await server.request('/api/v1/flows', {
      method: 'POST',
      json: { id: 'keyed', name: 'Keyed', responder: OLLAMA, apiKey: 'sk-secret' },
    });
    expect(await json(res, 400)).toMatchObject({ message: expect.stringContaining('apiKeyEnv') });
    expect((await server.request('/api/v1/chatflows/keyed')).status).toBe(404);
    // Removing a key that cannot exist is fine.
    const cleared = await server.request('/api/v1/flows/default', {
      method: 'PATCH',
      json: { apiKey: null },
    });
    expect(cleared.status).toBe(200);
  });

  const badBodies: Array<[string, Record<string, unknown>, string]> = [
    ['a missing name', {}, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, 'name'],
    ['a malformed id', { id: '../etc', name: 'x' }, 'id'],
    ['an id over 128 characters', { id: 'i'.repeat(129), name: 'x' }, 'id'],
    ['an unknown responder kind', { name: 'x', responder: { kind: 'magic' } }, 'responder.kind'],
    [
      'an openai-compatible responder without a model',
      { name: 'x', responder: { ...OLLAMA, model: undefined } },
      'responder.model',
    ],
    [
      'a responder baseUrl that is not http(s)',
      { name: 'x', responder: { ...OLLAMA, baseUrl: 'file:///etc' } },
      'responder.baseUrl',
    ],
    [
      'a temperature out of range',
      { name: 'x', responder: { ...OLLAMA, temperature: 3 } },
      'responder.temperature',
    ],
    ['an empty apiKey', { name: 'x', apiKey: '' }, 'apiKey'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`createFlow: 400 for ${what}`, async () => {
      const res = await server.request('/api/v1/flows', { method: 'POST', json: body });
      expect(await json(res, 400)).toEqual({
        statusCode: 400,
        success: false,
        message: expect.stringContaining(`"${field}"`),
      });
    });
  }

  // docs/SECURITY.md: a flow may send only a variable that by its name holds a provider key.
  const refusedVariables = [
    'PATH',
    'HOME',
    'MNEMO_API_KEY',
    'MNEMO_OTHER_API_KEY',
    'openai_api_key',
    'OPENAI_KEY',
    'AWS_SECRET_ACCESS_KEY',
  ];
  it('apiKeyEnv: 400 naming the field for a variable that is not a provider key, on every door that sets a responder', async () => {
    const doors: Array<[string, string, (name: string) => unknown]> = [
      ['POST', '/api/v1/flows', (name) => ({ name: 'x', responder: { ...OLLAMA, apiKeyEnv: name } })],
      ['PATCH', '/api/v1/flows/default', (name) => ({ responder: { ...OLLAMA, apiKeyEnv: name } })],
      [
        'POST',
        '/api/v1/chatflows',
        (name) => ({ name: 'x', mnemo: { responder: { ...OLLAMA, apiKeyEnv: name } } }),
      ],
      [
        'PUT',
        '/api/v1/chatflows/default',
        (name) => ({ mnemo: { responder: { ...OLLAMA, apiKeyEnv: name } } }),
      ],
    ];
    for (const name of refusedVariables) {
      for (const [method, route, body] of doors) {
        const res = await server.request(route, { method, json: body(name) });
        expect({ name, method, route, status: res.status }).toEqual({ name, method, route, status: 400 });
        expect(((await res.json()) as { message: string }).message).toContain('apiKeyEnv');
      }
    }
    const flow = (await (await server.request('/api/v1/chatflows/default')).json()) as {
      mnemo: { responder: unknown };
    };
    expect(flow.mnemo.responder).toEqual({ kind: 'echo' });
  });

  it('apiKeyEnv: a provider key variable is taken', async () => {
    for (const name of ['OPENAI_API_KEY', 'GROQ_API_KEY', 'MY_LLM_2_API_KEY']) {
      const res = await server.request('/api/v1/flows', {
        method: 'POST',
        json: { name, responder: { ...OLLAMA, apiKeyEnv: name } },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { responder: { apiKeyEnv: string } }).responder.apiKeyEnv).toBe(name);
    }
  });

  it('a stored responder that no longer validates is reported, naming the flow', async () => {
    await server.request('/api/v1/flows', { method: 'POST', json: { id: 'corrupt', name: 'Corrupt' } });
    await server.mnemo.store.updateFlow({
      id: 'corrupt',
      name: 'Corrupt',
      responder: { kind: 'retired-kind' },
    });
    const res = await server.request('/api/v1/chatflows/corrupt');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toContain('"corrupt"');
    // Setting it again repairs it.
    const fixed = await server.request('/api/v1/flows/corrupt', {
      method: 'PATCH',
      json: { responder: { kind: 'echo' } },
    });
    expect(fixed.status).toBe(200);
  });
});

describe('Flowise chatflow routes', () => {
  it("GET /api/v1/chatflows lists every flow in Flowise's ChatFlow shape", async () => {
    const flows = await json<ChatFlow[]>(await server.request('/api/v1/chatflows'));
    const def = flows.find((f) => f.id === 'default');
    expect(def).toMatchObject({
      name: 'Default',
      deployed: true,
      isPublic: false,
      apikeyid: null,
      chatbotConfig: null,
      category: null,
      type: 'CHATFLOW',
      mnemo: { responder: { kind: 'echo' }, hasApiKey: false },
    });
    expect(JSON.parse(def?.flowData ?? '')).toEqual({ nodes: [], edges: [] });
    expect(new Date(def?.createdDate ?? '').toISOString()).toBe(def?.createdDate);
  });

  it('POST, GET, PUT, DELETE a chatflow, the responder travelling under "mnemo"', async () => {
    const created = await json<ChatFlow>(
      await server.request('/api/v1/chatflows', {
        method: 'POST',
        // Flowise's own fields are accepted and ignored.
        json: {
          name: 'Support bot',
          flowData: '{"nodes":[1]}',
          deployed: false,
          mnemo: { responder: OLLAMA },
        },
      }),
    );
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ name: 'Support bot', mnemo: { responder: OLLAMA, sessionCount: 0 } });

    const fetched = await json<ChatFlow>(await server.request(`/api/v1/chatflows/${created.id}`));
    expect(fetched).toEqual(created);

    const updated = await json<ChatFlow>(
      await server.request(`/api/v1/chatflows/${created.id}`, {
        method: 'PUT',
        json: { name: 'Helpdesk', mnemo: { responder: { kind: 'echo' } } },
      }),
    );
    expect(updated).toMatchObject({
      id: created.id,
      name: 'Helpdesk',
      mnemo: { responder: { kind: 'echo' } },
    });
    expect(Date.parse(updated.updatedDate)).toBeGreaterThanOrEqual(Date.parse(created.updatedDate));

    const removed = await server.request(`/api/v1/chatflows/${created.id}?confirm=true`, {
      method: 'DELETE',
    });
    expect(await json(removed)).toEqual({ raw: [], affected: 1 });
    expect((await server.request(`/api/v1/chatflows/${created.id}`)).status).toBe(404);
  });

  it('POST with an id that exists: 409; PUT/GET/DELETE an unknown id: 404', async () => {
    const dup = await server.request('/api/v1/chatflows', {
      method: 'POST',
      json: { id: 'default', name: 'x' },
    });
    expect(dup.status).toBe(409);
    expect((await server.request('/api/v1/chatflows/ghost')).status).toBe(404);
    expect(
      (await server.request('/api/v1/chatflows/ghost', { method: 'PUT', json: { name: 'x' } })).status,
    ).toBe(404);
    expect((await server.request('/api/v1/chatflows/ghost?confirm=true', { method: 'DELETE' })).status).toBe(
      404,
    );
  });

  it('DELETE needs ?confirm=true and never deletes "default"', async () => {
    const plain = await server.request('/api/v1/chatflows/default', { method: 'DELETE' });
    expect(await json(plain, 400)).toMatchObject({ message: expect.stringContaining('"confirm"') });
    const wrong = await server.request('/api/v1/chatflows/default?confirm=yes', { method: 'DELETE' });
    expect(wrong.status).toBe(400);
    const forced = await server.request('/api/v1/chatflows/default?confirm=true', { method: 'DELETE' });
    expect(forced.status).toBe(403);
    expect((await server.request('/api/v1/chatflows/default')).status).toBe(200);
  });

  const bad: Array<[string, string, Record<string, unknown>, string]> = [
    ['POST', '/api/v1/chatflows', { mnemo: {} }, 'name'],
    [
      'POST',
      '/api/v1/chatflows',
      { name: 'x', mnemo: { responder: { kind: 'nope' } } },
      'mnemo.responder.kind',
    ],
    ['POST', '/api/v1/chatflows', { name: 'x', id: 'has space' }, 'id'],
    ['PUT', '/api/v1/chatflows/default', { name: '' }, 'name'],
    ['PUT', '/api/v1/chatflows/default', { mnemo: { apiKey: 42 } }, 'mnemo.apiKey'],
  ];
  for (const [method, url, body, field] of bad) {
    it(`${method} ${url}: 400 naming "${field}"`, async () => {
      const res = await server.request(url, { method, json: body });
      expect(await json(res, 400)).toMatchObject({
        statusCode: 400,
        message: expect.stringContaining(`"${field}"`),
      });
    });
  }

  it('400 for a malformed id in the path', async () => {
    expect((await server.request('/api/v1/chatflows/%2Fetc')).status).toBe(400);
  });
});

describe('provider keys where they can be kept (a keychain)', () => {
  // Electron's safeStorage stands behind this interface; a reversible stand-in is enough here.
  const fakeKeychain: SafeStorageLike = {
    isEncryptionAvailable: () => true,
    encryptString: (plain) => Buffer.from(`enc:${[...plain].reverse().join('')}`),
    decryptString: (encrypted) => [...encrypted.toString().slice(4)].reverse().join(''),
  };
  let keyed: TestServer;
  beforeAll(async () => {
    keyed = await startTestServer({ secrets: (store) => safeStorageSecrets(store, fakeKeychain) });
  });
  afterAll(() => keyed.close());

  it('keeps the key, says hasApiKey, never returns it, removes it with null and with the flow', async () => {
    const secret = 'sk-very-secret-value';
    const created = await keyed.request('/api/v1/chatflows', {
      method: 'POST',
      json: { id: 'keyed', name: 'Keyed', mnemo: { responder: OLLAMA, apiKey: secret } },
    });
    expect(await json(created)).toMatchObject({ mnemo: { hasApiKey: true } });
    expect(await keyed.mnemo.handlers.listFlows({})).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ id: 'keyed', hasApiKey: true })]),
    });

    for (const path of [
      '/api/v1/flows',
      '/api/v1/chatflows',
      '/api/v1/chatflows/keyed',
      '/api/v1/openapi.json',
    ]) {
      const body = await (await keyed.request(path)).text();
      expect(body).not.toContain(secret);
    }

    const cleared = await json<Flow>(
      await keyed.request('/api/v1/flows/keyed', { method: 'PATCH', json: { apiKey: null } }),
    );
    expect(cleared.hasApiKey).toBe(false);

    await keyed.request('/api/v1/flows/keyed', { method: 'PATCH', json: { apiKey: 'sk-again' } });
    await keyed.request('/api/v1/flows/keyed?confirm=true', { method: 'DELETE' });
    expect(await keyed.mnemo.store.getSetting('secret:flow:keyed')).toBeUndefined();
  });
});
