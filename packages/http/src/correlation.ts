import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const CORRELATION_HEADER = 'x-correlation-id';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's x-correlation-id, or a new one; echoed on the response and in every log line. */
    correlationId: string;
  }
}

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's request id generator: the caller's x-correlation-id when it is sane, else a new one.
 * Used as `genReqId` with `requestIdLogLabel: 'correlationId'`, so every log line Fastify writes
 * for the request (incoming, completed, errors) carries it.
 */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers[CORRELATION_HEADER];
  return typeof given === 'string' && VALID.test(given) ? given : randomUUID();
}

/** Exposes the request id as `request.correlationId` and returns it on the response. */
export function registerCorrelation(app: FastifyInstance): void {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = request.id;
    reply.header(CORRELATION_HEADER, request.id);
  });
}
