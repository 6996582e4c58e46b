// The app, imported by main.tsx once it has sent the first view's requests.
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from '../../shared/api-error';
import { App } from './App';
import { ApiProvider } from './api/context';
import { client, firstRequests } from './api/firstRequests';
import { FIRST_PAGE, queryKeys } from './api/queries';
import { AfterFirstPaint } from './lib/AfterFirstPaint';
import { cssVariablesResolver, theme } from './theme';

const NotificationsHost = lazy(() => import('./NotificationsHost'));

/** How long the first render waits for the first view's answers (usually there by then); a slow server gets the loading state. */
const FIRST_ANSWERS_WAIT_MS = 300;

// Once more after a network or server failure; a 4xx answer will not change by asking again.
const retry = (failures: number, error: Error) =>
  failures < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500);
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

/** The answer already asked for on the first call; a new request on any later one (a retry). */
function earlyThen<T>(early: Promise<T>, again: () => Promise<T>): () => Promise<T> {
  let first: Promise<T> | undefined = early;
  return () => {
    const answer = first ?? again();
    first = undefined;
    return answer;
  };
}

/** The answers already asked for become the queries' first fetch (no second request), retried as any query. */
function adoptFirstRequests(): Promise<unknown> {
  if (!firstRequests) return Promise.resolve();
  const { flows, sessions } = firstRequests;
  const { api } = client;
  const answers: Promise<unknown>[] = [
    queryClient.prefetchQuery({
      queryKey: queryKeys.flows,
      queryFn: earlyThen(flows, () => api.listFlows({})),
      retry,
    }),
  ];
  if (sessions) {
    answers.push(
      queryClient.prefetchInfiniteQuery({
        queryKey: queryKeys.sessions(sessions.input),
        queryFn: earlyThen(sessions.page, () => api.listSessions({ ...sessions.input, limit: FIRST_PAGE })),
        initialPageParam: undefined as string | undefined,
        retry,
      }),
    );
  }
  return Promise.race([
    Promise.all(answers),
    new Promise((resolve) => setTimeout(resolve, FIRST_ANSWERS_WAIT_MS)),
  ]);
}

function render() {
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
        <QueryClientProvider client={queryClient}>
          <ApiProvider value={client}>
            <App />
            {/* Nothing shows in these before a click or an action: not in the first frame. The modals'
                host is in this script (modals.open() to a host not yet there is lost); the
                notifications' loads then (notifications.show() waits in a store). */}
            <AfterFirstPaint>
              <ModalsProvider />
              <Suspense fallback={null}>
                <NotificationsHost />
              </Suspense>
            </AfterFirstPaint>
          </ApiProvider>
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}

void adoptFirstRequests().then(render);
