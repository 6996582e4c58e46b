// Where notifications and modals show (notifications.show, modals.open): loaded after the first
// frame (start.tsx), as nothing shows there before. Both keep what was asked for meanwhile.
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import '@mantine/notifications/styles.css';

export default function OnDemandHosts() {
  return (
    <>
      <Notifications position="bottom-right" />
      <ModalsProvider />
    </>
  );
}
