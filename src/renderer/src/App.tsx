import { Alert, AppShell, Burger, Code, Group, Loader, Overlay, Title } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import { useApi } from './api/context';
import { useLiveUpdates } from './api/live';
import { useWide, WIDE_MIN_PX } from './layout/breakpoint';
import { LiveBadge } from './layout/LiveBadge';
import { SearchBox } from './layout/SearchBox';
import { Sidebar } from './layout/Sidebar';
import { ThemeSwitch } from './layout/ThemeSwitch';
import { openNewConversation, useNewConversationRequest } from './sessions/newConversation';
import { SessionsView } from './sessions/SessionsView';
import { useView } from './state/view';

// Views other than the list load when opened: the first script holds what the first view needs.
const SettingsView = lazy(() => import('./settings/SettingsView'));
const TrashView = lazy(() => import('./trash/TrashView').then((m) => ({ default: m.TrashView })));
const NewConversationDialog = lazy(() => import('./sessions/NewConversationDialog'));
const StatusView = lazy(() => import('./views/StatusView').then((m) => ({ default: m.StatusView })));

const HEADER_HEIGHT = 52;

export function App() {
  const [opened, { toggle, close }] = useDisclosure();
  const { missingKey } = useApi();
  const view = useView(missingKey ? 'status' : 'sessions');
  const wide = useWide();
  const drawerOpen = !wide && opened;
  useLiveUpdates();
  const newConversation = useNewConversationRequest();
  // Ctrl/Cmd+N, also from a text field (a browser tab may keep it for a new window).
  useHotkeys([['mod+N', () => !missingKey && openNewConversation()]], []);

  return (
    <AppShell
      header={{ height: HEADER_HEIGHT }}
      navbar={{ width: 240, breakpoint: WIDE_MIN_PX, collapsed: { mobile: !opened } }}
      padding={wide ? 'md' : 'sm'}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            {!wide && (
              <Burger
                opened={opened}
                onClick={toggle}
                size="sm"
                aria-label={opened ? 'Close navigation' : 'Open navigation'}
                aria-expanded={opened}
              />
            )}
            {/* The page's one level-one heading, sized as a header's title. */}
            <Title order={1} size="h3">
              Mnemo
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            {!missingKey && <SearchBox />}
            {!missingKey && <LiveBadge />}
            <ThemeSwitch />
          </Group>
        </Group>
      </AppShell.Header>
      {drawerOpen && <Overlay fixed zIndex={99} backgroundOpacity={0.35} onClick={close} />}
      <AppShell.Navbar
        p="sm"
        aria-label="Sections"
        // A drawer below the breakpoint: out of the tab order while it is closed.
        inert={!wide && !opened}
        maw={wide ? undefined : 300}
      >
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
      {newConversation && (
        <Suspense fallback={null}>
          <NewConversationDialog key={newConversation.flowId} flowId={newConversation.flowId} />
        </Suspense>
      )}
    </AppShell>
  );
}
