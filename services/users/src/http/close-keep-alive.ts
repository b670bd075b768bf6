import type { FastifyInstance } from 'fastify';

/**
 * Answers the requests still in flight when the app closes with `Connection: close`.
 *
 * Fastify's close() reaps only idle keep-alive sockets and marks requests arriving afterwards
 * `Connection: close`; a request already running keeps its socket open after its response, and
 * server.close() then waits for the client or the 72 s keep-alive timeout, past runService's grace
 * period: a SIGTERM under load would exit 1. Closing those sockets after their response lets the
 * drain end as soon as the last request is answered.
 */
export function closeKeepAliveOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
