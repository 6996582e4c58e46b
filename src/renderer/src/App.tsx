import { Alert, AppShell, Burger, Code, Group, Loader, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import { useApi } from './api/context';
import { useLiveUpdates } from './api/live';
import { LiveBadge } from './layout/LiveBadge';
import { SearchBox } from './layout/SearchBox';
import { Sidebar } from './layout/Sidebar';
import { ThemeSwitch } from './layout/ThemeSwitch';
import { SessionsView } from './sessions/SessionsView';
import { useView } from './state/view';

// Views other than the list load when opened: the first script holds what the first view needs.
const SettingsView = lazy(() => import('./settings/SettingsView'));
const TrashView = lazy(() => import('./trash/TrashView').then((m) => ({ default: m.TrashView })));
const StatusView = lazy(() => import('./views/StatusView').then((m) => ({ default: m.StatusView })));

export function App() {
  const [opened, { toggle, close }] = useDisclosure();
  const { missingKey } = useApi();
  const view = useView(missingKey ? 'status' : 'sessions');
  useLiveUpdates();

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={3}>Mnemo</Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {!missingKey && <SearchBox />}
            {!missingKey && <LiveBadge />}
            <ThemeSwitch />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Sections">
        <Sidebar view={view} onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main
        style={{ height: '100dvh', display: 'flex', flexDirection: 'column' }}
        aria-label={view === 'sessions' ? 'Conversations' : view}
      >
        <div style={{ flex: 1, minHeight: 0, overflowY: view === 'sessions' ? 'hidden' : 'auto' }}>
          {missingKey && view !== 'status' ? (
            <Alert color="yellow" title="No API key">
              Open this page with the address the server printed (it ends in <Code>#key=…</Code>).
            </Alert>
          ) : view === 'trash' ? (
            <Suspense fallback={<Loader aria-label="Loading trash" />}>
              <TrashView />
            </Suspense>
          ) : view === 'settings' ? (
            <Suspense fallback={<Loader aria-label="Loading settings" />}>
              <SettingsView />
            </Suspense>
          ) : view === 'status' ? (
            <Suspense fallback={<Loader aria-label="Loading status" />}>
              <StatusView />
            </Suspense>
          ) : (
            <SessionsView />
          )}
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
