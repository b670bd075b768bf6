import type { FastifyInstance } from 'fastify';
import type { Messaging } from './messaging.ts';

/**
 * GET /ready/messaging: 200 once the service's relay, projections and consumers have started
 * (then for good: a broker that goes away later is theirs to ride out), 503 before. /ready says
 * whether requests can be served; this says whether the service has joined the message flow, which
 * is what a test, or `npm start`, waits for before it sends work that needs consumers.
 */
export function registerMessagingReadiness(app: FastifyInstance, messaging: Messaging): void {
  app.get('/ready/messaging', { schema: { hide: true } }, async (_request, reply) => {
    const state = messaging.state;
    return reply.code(state === 'running' ? 200 : 503).send({ status: state });
  });
}
