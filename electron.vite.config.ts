import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { preloadApp } from './src/renderer/preload-app';
import { httpRoutes } from './src/shared/contract';

const ROUTES_ID = 'virtual:mnemo-http-routes';

/**
 * The renderer's HTTP routes, taken from the contract when building: the page builds its
 * requests from them without shipping zod and every schema in its first script.
 */
function httpRoutesModule(): Plugin {
  return {
    name: 'mnemo-http-routes',
    resolveId: (id) => (id === ROUTES_ID ? `\0${ROUTES_ID}` : undefined),
    load: (id) => (id === `\0${ROUTES_ID}` ? `export default ${JSON.stringify(httpRoutes())};` : undefined),
  };
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          serve: resolve(__dirname, 'src/main/serve.ts'),
          mcp: resolve(__dirname, 'src/main/mcp-stdio.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle the contract (zod) into it.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      // electron-vite leaves bundles unminified; the web page is served over HTTP too.
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        output: {
          // Two chunks for the first view, whatever else shares their modules: what sends the first
          // requests (the entry's import), and the app it then imports. Left to itself, the bundler
          // cuts the app into a dozen chunks it shares with the views loaded later: that many more
          // requests before the first rows.
          codeSplitting: {
            groups: [
              {
                name: 'first-requests',
                test: /src[\\/]renderer[\\/]src[\\/]api[\\/]firstRequests\.ts$/,
                priority: 2,
              },
              { name: 'start', test: /src[\\/]renderer[\\/]src[\\/]start\.tsx$/, priority: 1 },
            ],
          },
        },
      },
    },
    plugins: [react(), httpRoutesModule(), preloadApp('src/start.tsx')],
  },
});
