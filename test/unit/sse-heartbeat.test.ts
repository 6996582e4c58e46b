import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventRoutes } from '../../src/main/http/events';
import { EventBus } from '../../src/main/memory/events';
import { openSse } from '../helpers/sse';

// The events route alone on a bare Fastify, with a heartbeat short enough to observe.
const events = new EventBus();
const app = Fastify();
let url = '';
beforeAll(async () => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(eventRoutes, { events, heartbeatMs: 50 });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => app.close());

it('sends a comment heartbeat on the interval, between events', async () => {
  const stream = await openSse(`${url}/api/v1/events`, {});
  await stream.next((m) => m.comment === 'connected');
  await stream.next((m) => m.comment === 'heartbeat', 1000);
  await stream.next((m) => m.comment === 'heartbeat', 1000);
  events.publish({ type: 'trash.changed' });
  const event = await stream.next((m) => m.event !== undefined);
  expect(event).toEqual({ event: 'trash.changed', data: '{"type":"trash.changed"}' });
  stream.close();
  const deadline = Date.now() + 2000;
  while (events.subscribers > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(events.subscribers).toBe(0);
});
