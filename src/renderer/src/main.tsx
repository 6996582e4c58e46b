// The page's first script: sends the first view's requests (api/firstRequests.ts), then loads
// the app, which takes their answers. Kept small, so the requests go out before the app's
// script (React, Mantine) is evaluated; index.html preloads that script meanwhile.
import './api/firstRequests';
import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import './global.css';

void import('./start');
