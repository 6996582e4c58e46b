/**
 * MCP over stdio, for desktop agents (Claude Desktop, Cursor, ...) that start a command:
 * `node out/main/mcp.js [--data-dir DIR] [--database-url URL]`. It opens the data dir itself
 * (the one the headless server uses unless --data-dir or MNEMO_DATA_DIR names another, e.g.
 * the desktop app's), or a team's PostgreSQL database (--database-url / MNEMO_DATABASE_URL),
 * so it works whether or not Mnemo is running; what it writes reaches open windows through
 * the store's change log (or PostgreSQL's notifications), as another process's writes do.
 * stdout carries the protocol only: everything else goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../package.json';
import { ConfigError, ensureDataDir, readServeConfig } from './config';
import { createMcpServer } from './mcp/server';
import { conversationService } from './memory/conversations';
import { EventBus } from './memory/events';
import { sessionHandlers } from './memory/sessions';
import { dataLocation, openConfiguredStore } from './store/open';

async function main(): Promise<void> {
  const config = readServeConfig(process.argv.slice(2), process.env);
  const { dataDir } = config;
  ensureDataDir(dataDir);
  const store = await openConfiguredStore(config);
  // Nobody listens in this process; other processes learn of its writes from the store.
  const events = new EventBus();
  const server = createMcpServer({
    handlers: sessionHandlers(store, events),
    conversations: conversationService({ store, events }),
    version,
    logError: (error) => console.error('Mnemo MCP: tool failed:', error),
  });

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    await store.close();
    process.exit(0);
  };
  // The client ends the session by closing stdin (or with a signal).
  process.stdin.on('end', () => void close());
  process.on('SIGINT', () => void close());
  process.on('SIGTERM', () => void close());
  await server.connect(new StdioServerTransport());
  console.error(`Mnemo MCP server on stdio; data: ${dataLocation(store, dataDir)}`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : (error as Error)?.message;
  console.error(`Mnemo MCP could not start: ${message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
