import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Handlers } from '../../shared/contract';
import type { ServiceContext } from '../memory';
import { embedService } from '../memory/embed';
import { handleClientError } from './client-errors';
import drainRefusedBodies from './drain-refused-bodies';
import { acceptEmptyJsonBodies } from './empty-json-body';
import { errorBody, handleError, handleRouterError } from './errors';
import { eventRoutes } from './events';
import { flowiseRoutes } from './flowise';
import { flowiseEmbedRoutes } from './flowise-embed';
import largeBodyGate from './large-body-gate';
import { mcpRoutes } from './mcp';
import { methodsByPath } from './method-not-allowed';
import { nativeRoutes } from './native';
import { openAiRoutes } from './openai';
import { exactTransform, serversOf } from './openapi-exact';
import { predictionRoutes } from './prediction';
import security from './security';
import { simRoutes } from './sim';
import { transferRoutes } from './transfer';

export const BODY_LIMIT = 2 * 1024 * 1024;

/** The web page's CSP: everything from this origin, Mantine's inline styles, nothing else. */
const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * What a connection may take. A client that opens a connection and sends nothing, or
 * sends its head slowly, is answered 408 and cut off after `headersMs`; a kept-alive
 * connection is closed after `keepAliveMs` of silence; past `maxConnections` new ones are
 * closed at once. The whole request (an import's file included) must arrive within
 * `requestMs`. Nothing limits how long an answer may take (a local model can think
 * for minutes; SSE streams stay open).
 */
export interface ConnectionLimits {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
  maxConnections: number;
  /** How often Node looks for connections past their time. */
  checkEveryMs: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  headersMs: 10_000,
  requestMs: 300_000,
  keepAliveMs: 5_000,
  maxConnections: 512,
  checkEveryMs: 1_000,
};

export interface HttpServerOptions {
  handlers: Handlers;
  /** What the Flowise, Sim and prediction routes build their services from. */
  context: ServiceContext;
  apiKey: () => string;
  /** Origins that get CORS grants, read on each request (the allowlist can change). */
  corsOrigins: () => readonly string[];
  /** Skip the Host check (bound to a non-loopback address on purpose). */
  hostCheck: boolean;
  /** The built renderer, served at `/` when present. */
  webRoot?: string;
  version: string;
  logLevel?: string;
  /** Tests shorten these; CONNECTION_LIMITS otherwise. */
  limits?: Partial<ConnectionLimits>;
}

export async function createHttpServer(options: HttpServerOptions) {
  let allowedHosts: Set<string> | null = null;
  const limits = { ...CONNECTION_LIMITS, ...options.limits };
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    requestTimeout: limits.requestMs,
    keepAliveTimeout: limits.keepAliveMs,
    logController: new LogController({ disableRequestLogging: true }),
    logger: {
      level: options.logLevel ?? process.env.MNEMO_LOG_LEVEL ?? 'warn',
      // Paths only: a query string could carry something secret, and headers carry the key.
      serializers: { req: (req) => ({ method: req.method, path: req.url.split('?')[0] }) },
    },
    routerOptions: { maxParamLength: 1000 },
    // Node answers 400 to a request without Host; the Host check answers 403 instead.
    http: {
      requireHostHeader: false,
      headersTimeout: limits.headersMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    frameworkErrors: handleRouterError,
    clientErrorHandler: handleClientError,
  }).withTypeProvider<ZodTypeProvider>();

  app.server.maxConnections = limits.maxConnections;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  const allowedMethods = methodsByPath(app);
  app.setNotFoundHandler((request, reply) => {
    const allow = allowedMethods(request);
    if (allow.length > 0) {
      return reply
        .status(405)
        .header('Allow', allow.join(', '))
        .send(
          errorBody(request, 405, `method ${request.method} not allowed here; allowed: ${allow.join(', ')}`),
        );
    }
    return reply
      .status(404)
      .send(errorBody(request, 404, `no route ${request.method} ${request.url.split('?')[0]}`));
  });
  // JSON only: without a text/plain parser, a simple-form POST never reaches a handler (415).
  app.removeContentTypeParser('text/plain');
  acceptEmptyJsonBodies(app);

  await app.register(security, {
    apiKey: options.apiKey,
    corsOrigins: options.corsOrigins,
    allowedHosts: () => allowedHosts,
    publicFlow: embedService(options.context).isPublicEmbed,
  });
  await app.register(drainRefusedBodies);
  await app.register(largeBodyGate);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Mnemo API', version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: exactTransform,
  });

  await app.register(nativeRoutes, { handlers: options.handlers });
  await app.register(eventRoutes, { events: options.context.events });
  await app.register(flowiseRoutes, { context: options.context });
  await app.register(predictionRoutes, { context: options.context });
  await app.register(simRoutes, { context: options.context });
  await app.register(flowiseEmbedRoutes, { context: options.context });
  await app.register(transferRoutes, { context: options.context });
  await app.register(openAiRoutes, { context: options.context });
  await app.register(mcpRoutes, {
    context: options.context,
    handlers: options.handlers,
    corsOrigins: options.corsOrigins,
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async (request) => ({
    ...app.swagger(),
    servers: serversOf(request),
  }));

  const webRoot = options.webRoot;
  if (webRoot && fs.existsSync(webRoot)) {
    await app.register(async (web) => {
      // The web UI's files need no key: its routes say so as the API's public routes do.
      web.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, security: [] };
      });
      await web.register(fastifyStatic, {
        root: webRoot,
        setHeaders: (res, file) => {
          res.setHeader('X-Content-Type-Options', 'nosniff');
          if (file.endsWith('.html')) {
            res.setHeader('Content-Security-Policy', WEB_CSP);
            res.setHeader('Cache-Control', 'no-store');
          }
        },
      });
    });
  }

  return {
    app: app as unknown as FastifyInstance,
    /** Listens, then allows exactly the Host values of the address it got. */
    async listen(host: string, port: number): Promise<{ host: string; port: number; url: string }> {
      await app.listen({ host, port });
      const address = app.server.address() as AddressInfo;
      if (options.hostCheck) {
        const p = address.port;
        allowedHosts = new Set([`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`]);
      }
      const shownHost = host.includes(':') ? `[${host}]` : host;
      return { host, port: address.port, url: `http://${shownHost}:${address.port}` };
    },
    close: () => app.close(),
  };
}
