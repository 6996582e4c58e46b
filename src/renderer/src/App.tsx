import { AppShell, Burger, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ThemeSwitch } from './layout/ThemeSwitch';
import { StatusView } from './views/StatusView';

export function App() {
  const [opened, { toggle }] = useDisclosure();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={3}>Mnemo</Title>
            <Text size="sm" c="dimmed" visibleFrom="sm">
              conversations with long-term memory
            </Text>
          </Group>
          <ThemeSwitch />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Sections">
        <NavLink label="Status" active />
      </AppShell.Navbar>
      <AppShell.Main>
        <StatusView />
      </AppShell.Main>
    </AppShell>
  );
}
