/**
 * MCP over streamable HTTP at /mcp, stateless: each POST gets its own MCP server and
 * transport (the SDK's stateless pattern), answered as JSON. The server-wide rules hold
 * here too (Host check, key, CORS); on top, as the MCP specification requires, a request
 * whose Origin is neither this server's own nor an allowlisted one is refused with 403.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Handlers } from '../../shared/contract';
import type { ServiceContext } from '../memory';
import { conversationService } from '../memory/conversations';
import { errorBody } from './errors';

export interface McpRouteOptions {
  context: ServiceContext;
  handlers: Handlers;
  corsOrigins: () => readonly string[];
}

/**
 * The MCP SDK (about 300 ms to load) is loaded by the first request to /mcp, not at start:
 * most processes never get one.
 */
const loadMcp = async () => {
  const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('../mcp/server'),
  ]);
  return { StreamableHTTPServerTransport, createMcpServer };
};

/** JSON-RPC's answer to GET/DELETE on a stateless server (no stream to resume, no session to end). */
const methodNotAllowed = (_request: FastifyRequest, reply: FastifyReply) =>
  reply
    .status(405)
    .header('allow', 'POST')
    .send({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; POST to /mcp' },
      id: null,
    });

export async function mcpRoutes(app: FastifyInstance, options: McpRouteOptions) {
  const conversations = conversationService(options.context);

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    // The Host header was checked already: an Origin naming it is this server's own page.
    const own = origin === `http://${request.headers.host ?? ''}`;
    if (!own && !options.corsOrigins().includes(origin)) {
      return reply
        .status(403)
        .send(errorBody(request, 403, `Origin ${origin} is not allowed (MCP: DNS-rebinding protection)`));
    }
  });

  const schema = { hide: true, tags: ['mcp'] };

  app.post('/mcp', { schema }, async (request, reply) => {
    const { StreamableHTTPServerTransport, createMcpServer } = await loadMcp();
    const server = createMcpServer({
      handlers: options.handlers,
      conversations,
      version: options.context.info.version,
      logError: (error) => request.log.error({ err: error }, 'MCP tool failed'),
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // The transport writes the answer; headers set by hooks (CORS) come along.
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    try {
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (error) {
      request.log.error({ err: error }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null }),
        );
      } else reply.raw.destroy();
    }
  });
  app.get('/mcp', { schema }, methodNotAllowed);
  app.delete('/mcp', { schema }, methodNotAllowed);
}
