import routes from 'virtual:mnemo-http-routes';
import { ApiError } from '../../../shared/api-error';
import type { MnemoApi, MnemoBridge, OperationName } from '../../../shared/contract';
import { httpRequest } from '../../../shared/http-request';
import { isResponderErrorKind } from '../../../shared/responder-error';

// Type-only use of the contract: its zod schemas stay out of the page's first script.
const operationNames = Object.keys(routes) as OperationName[];

type Call = (name: OperationName, input: Record<string, unknown>) => Promise<unknown>;

function apiFrom(call: Call): MnemoApi {
  return Object.fromEntries(
    operationNames.map((name) => [name, (input: Record<string, unknown> = {}) => call(name, input)]),
  ) as unknown as MnemoApi;
}

/** Desktop: through the preload bridge and IPC. */
export function ipcTransport(bridge: MnemoBridge): MnemoApi {
  return apiFrom(async (name, input) => {
    const invoke = bridge[name] as (input: unknown) => Promise<Awaited<ReturnType<MnemoBridge[typeof name]>>>;
    const result = await invoke(input);
    if (!result.ok) throw new ApiError(result.status, result.message, result.errorKind);
    return result.value;
  });
}

/** Web page: over HTTP to the server that served it, with the key from the URL fragment (it can change: regenerate). */
export function httpTransport(baseUrl: string, apiKey: () => string): MnemoApi {
  return apiFrom(async (name, input) => {
    const request = httpRequest(routes[name], input);
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey()}` };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(baseUrl + request.url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
    } catch {
      throw new ApiError(0, 'cannot reach the Mnemo server');
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = body as { message?: string; errorKind?: unknown } | undefined;
      const errorKind = isResponderErrorKind(error?.errorKind) ? error.errorKind : undefined;
      throw new ApiError(response.status, error?.message ?? response.statusText, errorKind);
    }
    return body;
  });
}
