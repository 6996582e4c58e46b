import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from '../../shared/contract';
import { App } from './App';
import { createApiClient } from './api/client';
import { ApiProvider } from './api/context';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Once more after a network or server failure; a 4xx answer will not change by asking again.
      retry: (failures, error) =>
        failures < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});
const client = createApiClient();

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <DatesProvider settings={{ firstDayOfWeek: 1 }}>
        <QueryClientProvider client={queryClient}>
          <ApiProvider value={client}>
            <Notifications position="bottom-right" />
            <ModalsProvider>
              <App />
            </ModalsProvider>
          </ApiProvider>
        </QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  </StrictMode>,
);
