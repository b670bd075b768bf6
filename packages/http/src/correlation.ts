import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const CORRELATION_HEADER = 'x-correlation-id';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's x-correlation-id, or a new one; echoed on the response and in every log line. */
    correlationId: string;
  }
}

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps the caller's correlation id (when it is sane), or makes one, and returns it on the response. */
export function registerCorrelation(app: FastifyInstance): void {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    const given = request.headers[CORRELATION_HEADER];
    const id = typeof given === 'string' && VALID.test(given) ? given : randomUUID();
    request.correlationId = id;
    request.log = request.log.child({ correlationId: id });
    reply.header(CORRELATION_HEADER, id);
  });
}
