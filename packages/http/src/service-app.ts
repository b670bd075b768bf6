import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import { correlationIdOf, registerCorrelation } from './correlation.ts';
import { registerIdentity } from './identity/identity-plugin.ts';
import type { TokenVerifier } from './identity/token-verifier.ts';
import { DOCS_PREFIX, registerInputHardening } from './input-hardening.ts';
import { registerMetrics } from './metrics.ts';
import { PROBLEM_CONTENT_TYPE, sendProblem, toProblem } from './problem-details.ts';
import { type ReadinessCheck, registerHealth } from './readiness.ts';
import { conveyorValidatorCompiler } from './validator.ts';

export interface ServiceAppOptions {
  /** e.g. `orders`: the OpenAPI title and the metrics' service label. */
  name: string;
  version?: string;
  /** A pino logger (or `false` in tests). @default false */
  logger?: FastifyBaseLogger | false;
  /** Checked by /ready: what a request cannot be served without. */
  readiness: Record<string, ReadinessCheck>;
  /** Probed and shown by /ready without deciding it (HealthOptions.reported). @default {} */
  reportedReadiness?: Record<string, ReadinessCheck>;
  metrics: Registry;
  /** Checks every caller's bearer token (createTokenVerifier with the process's JWT settings). */
  verifyToken: TokenVerifier;
  /** Largest accepted body in bytes; larger is a 413 problem. @default 65536 */
  bodyLimit?: number;
}

/**
 * A Fastify instance with what every Conveyor service shares: TypeBox validation (400 naming the
 * fields; on every route, control characters in any string and unknown query parameters are
 * refused too), problem+json for every error (404 for unknown routes too), x-correlation-id, the
 * caller's verified identity (401/403 per route's `config.access`), /health, /ready, /metrics and
 * OpenAPI at /docs (these four public). Routes are registered by the caller; nothing listens.
 */
export async function createServiceApp(options: ServiceAppOptions) {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 65_536,
    // While closing, new requests get 503 and in-flight ones finish (graceful drain on SIGTERM).
    return503OnClosing: true,
    genReqId: correlationIdOf,
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  // A keep-alive connection would hold close() open until its idle timeout (72 s) after the last
  // in-flight response: once closing, every response asks the client to close the connection.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.setValidatorCompiler(conveyorValidatorCompiler);
  app.setErrorHandler(sendProblem);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send({
        ...toProblem({
          code: 'CONVEYOR_ROUTE_NOT_FOUND',
          statusCode: 404,
          message: `no route ${request.method} ${request.url}`,
        }),
        instance: request.url,
      }),
  );
  // Before any route: its onRoute hook gives query-less routes their strict empty querystring.
  registerInputHardening(app);
  registerCorrelation(app);
  registerIdentity(app, options.verifyToken);
  registerMetrics(app, options.metrics);
  registerHealth(app, { checks: options.readiness, reported: options.reportedReadiness ?? {} });
  await app.register(swagger, {
    openapi: { info: { title: `Conveyor ${options.name}`, version: options.version ?? '0.1.0' } },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  return app;
}
