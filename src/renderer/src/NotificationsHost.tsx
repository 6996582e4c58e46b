// Where notifications show: loaded after the first frame (start.tsx), as none shows there before.
// notifications.show() keeps what it was asked meanwhile (a store), and this shows it on mounting.
import { Notifications } from '@mantine/notifications';
import '@mantine/notifications/styles.css';

export default function NotificationsHost() {
  return <Notifications position="bottom-right" />;
}
