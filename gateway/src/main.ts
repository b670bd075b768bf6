/**
 * The gateway process: reads the environment once, builds the gateway, listens, and on SIGTERM
 * drains in-flight requests and closes Redis (runService). A bad environment (the development
 * secret on a reachable host among others) stops it with one line naming the variable, exit 1.
 */
import { bootTelemetry, loadTelemetryConfig } from '@conveyor/telemetry';
import type { GatewayConfig } from './options.ts';

async function main(): Promise<void> {
  // Telemetry first: with tracing on, fastify and undici must be imported after its module hooks
  // are in place, hence the dynamic imports.
  const telemetry = await bootTelemetry('gateway', process.env);
  const { createLogger, createMetricsRegistry, runService, usesDevelopmentSecret } = await import(
    '@conveyor/http'
  );
  const { buildGateway } = await import('./app.ts');
  const { loadGatewayConfig } = await import('./config.ts');
  const { createRedisClient, untilReady } = await import('./http/redis-client.ts');
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger('gateway', undefined, telemetry.logMixin);
  const redis = config.redisUrl === undefined ? undefined : createRedisClient(config.redisUrl, logger);
  // Counters are shared from the first request when Redis answers; if it does not, start anyway.
  if (redis) await untilReady(redis, 3_000);
  // bootTelemetry has checked the variables; the admin page links traces to the same Zipkin.
  const tracing = loadTelemetryConfig(process.env);
  const app = await buildGateway(config, {
    logger,
    ...(tracing.tracing ? { zipkinUrl: tracing.zipkinUrl } : {}),
    metrics: createMetricsRegistry('gateway'),
    ...(redis ? { redis } : {}),
  });
  await runService(
    {
      app,
      stop: [
        ...(redis ? [async () => (redis.status === 'ready' ? redis.quit() : redis.disconnect())] : []),
        () => telemetry.shutdown(),
      ],
    },
    { host: config.host, port: config.port },
    logger,
  );
  // A hint, never a token: log lines end up in files and collectors (npm start prints its own).
  if (usesDevelopmentSecret(config.jwt.key))
    logger.info('development secret (loopback only): mint a token with npm run token -- --sub <userId>');
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
