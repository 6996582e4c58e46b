/** Headless entry: `npm run serve -- [--port N] [--host H] [--data-dir DIR] [--database-url URL]`. */
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, isLoopbackHost, readServeConfig } from './config';
import { startMnemo } from './core';
import { dataLocation } from './store/open';

// SPEC 9's memory budget: by default V8 lets its old space grow to 2 to 4 times what is live
// before collecting it, and under the append and Flowise loads that garbage was most of the
// server's RSS (old space 100 MB with 22 to 44 MB live; docs/PERFORMANCE.md, issue 16 round 3).
// Growing by half of what is live instead: peak RSS 216 to 158 MB, CPU per request unchanged
// within the noise. Set before the server allocates; V8 reads it at every full collection.
setFlagsFromString('--heap-growing-percent=50');

async function main(): Promise<void> {
  const config = readServeConfig(process.argv.slice(2), process.env);
  if (!isLoopbackHost(config.host)) {
    console.warn(
      `Warning: listening on ${config.host}, beyond this machine. Anyone who can reach it and has the key can read every conversation.`,
    );
  }
  const mnemo = await startMnemo(config, { webRoot: path.join(__dirname, '../renderer') });
  console.log(`Mnemo API listening on ${mnemo.address.url}`);
  console.log(`Mnemo web UI: ${mnemo.webUrl()}`);
  console.log(`Data: ${dataLocation(mnemo.store, config.dataDir)}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    try {
      await mnemo.close();
      console.log(`Mnemo stopped (${signal}).`);
      process.exit(0);
    } catch (error) {
      console.error(`Mnemo: error while stopping: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : (error as Error)?.message;
  console.error(`Mnemo could not start: ${message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
