import {
  correlationIdOf,
  createMetricsRegistry,
  createTokenVerifier,
  type Registry,
  registerCorrelation,
  registerMetrics,
} from '@conveyor/http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import { authenticator, decorateIdentity } from './auth/jwt-auth.ts';
import { cachedTokenVerifier } from './auth/token-cache.ts';
import { registerBodyParsers } from './http/body-parsers.ts';
import { gatewayErrorHandler, gatewayNotFoundHandler } from './http/problems.ts';
import type { GatewayConfig } from './options.ts';
import { registerRoutes } from './routes.ts';
import type { Clock } from './upstreams/balancer.ts';
import { healthReport } from './upstreams/health-report.ts';
import { type InstanceProbe, probeHealth, probeReady } from './upstreams/instance-probe.ts';
import { watchEjectedInstances } from './upstreams/readiness-watch.ts';
import { createServicePools } from './upstreams/service-pool.ts';
import { createUpstreamMetrics } from './upstreams/upstream-metrics.ts';

export interface GatewayDeps {
  /** Drives ejection cool-downs and request deadlines. @default Date.now */
  clock?: Clock;
  /** A pino logger, or false (tests). @default false */
  logger?: FastifyBaseLogger | false;
  /** Rate-limit counters shared with other gateway instances; required when `config.redisUrl` is set. */
  redis?: Redis;
  /** @default a new registry labelled service="gateway" */
  metrics?: Registry;
  /** How /health asks an instance. @default GET <instance>/health on a fresh connection */
  healthProbe?: InstanceProbe;
  /** How an ejected instance is asked whether it may come back. @default GET <instance>/ready */
  readinessProbe?: InstanceProbe;
  /** Zipkin's base URL when tracing is on: the admin page links a saga's trace there. @default none */
  zipkinUrl?: string;
}

/**
 * The gateway: routes, JWT, rate limits, proxying with balancing, passive health per instance and
 * readmission by readiness probes, /health (every upstream's) and /metrics. Errors are
 * problem+json. Does not listen.
 */
export async function buildGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<FastifyInstance> {
  if (config.redisUrl !== undefined && deps.redis === undefined)
    throw new Error('config.redisUrl is set: pass a Redis client as deps.redis (main.ts makes one)');
  const clock = deps.clock ?? Date.now;
  const registry = deps.metrics ?? createMetricsRegistry('gateway');
  const probe = deps.healthProbe ?? probeHealth;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: config.bodyLimitBytes,
    // While closing, new requests get 503 and those in flight finish (graceful drain on SIGTERM).
    return503OnClosing: true,
    genReqId: correlationIdOf,
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
  });
  app.setErrorHandler(gatewayErrorHandler);
  app.setNotFoundHandler(gatewayNotFoundHandler);
  registerCorrelation(app);
  registerMetrics(app, registry);
  registerBodyParsers(app);
  decorateIdentity(app);

  const pools = createServicePools(config, clock);
  const metrics = createUpstreamMetrics(registry, pools);
  const stopWatching = watchEjectedInstances(
    pools,
    deps.readinessProbe ?? probeReady,
    { intervalMs: config.readinessProbeIntervalMs, timeoutMs: config.healthTimeoutMs },
    app.log,
  );
  app.addHook('onClose', async () => stopWatching());
  app.get('/health', async (request, reply) => {
    const report = await healthReport(pools, probe, config.healthTimeoutMs, request.correlationId);
    return reply.code(report.status === 'down' ? 503 : 200).send(report);
  });
  await registerRoutes(app, {
    config,
    pools,
    metrics,
    clock,
    redis: deps.redis,
    ...(deps.zipkinUrl === undefined ? {} : { zipkinUrl: deps.zipkinUrl }),
    authenticate: authenticator(cachedTokenVerifier(createTokenVerifier(config.jwt, clock), { now: clock })),
  });
  return app;
}
