// The page's first script: sends the first view's requests (api/firstRequests.ts), then loads
// the app, which takes their answers. Kept small, so the requests go out before the app's
// script (React, Mantine) is evaluated; index.html loads that script meanwhile, after this one.
import './api/firstRequests';
import '@mantine/core/styles.css';
import './global.css';

void import('./start');
