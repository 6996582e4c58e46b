import type { Output } from '../../../shared/contract';
import { filtersFrom, sessionListInput } from '../state/filters';
import { viewFrom } from '../state/view';
import { createApiClient } from './client';
import { FIRST_PAGE } from './queries';

/**
 * The requests the first view needs, sent as the page's script starts: main.tsx, the small
 * first script, imports this module, so they travel while the app's script (React, Mantine)
 * is still loading and being evaluated, and their answers can be in the first render
 * (start.tsx puts them in the query cache).
 */
export const client = createApiClient();

export interface FirstRequests {
  flows: Promise<Output<'listFlows'>>;
  /** The list's first page, when the list is the first view. */
  sessions?: { input: ReturnType<typeof sessionListInput>; page: Promise<Output<'listSessions'>> };
}

function send(): FirstRequests | undefined {
  if (client.missingKey) return undefined;
  const params = new URLSearchParams(window.location.search);
  const flows = client.api.listFlows({});
  if (viewFrom(params, 'sessions') !== 'sessions') return { flows };
  const input = sessionListInput(filtersFrom(params));
  return { flows, sessions: { input, page: client.api.listSessions({ ...input, limit: FIRST_PAGE }) } };
}

export const firstRequests = send();
// Their failures show where they are used (the queries ask again); none goes unhandled here.
firstRequests?.flows.catch(() => {});
firstRequests?.sessions?.page.catch(() => {});
