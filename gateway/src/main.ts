/**
 * The gateway process: reads the environment once, builds the gateway, listens, and on SIGTERM
 * drains in-flight requests and closes Redis (runService). A bad environment (the development
 * secret on a reachable host among others) stops it with one line naming the variable, exit 1.
 */
import { createLogger, createMetricsRegistry, runService, usesDevelopmentSecret } from '@conveyor/http';
import { buildGateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';
import { createRedisClient, untilReady } from './http/redis-client.ts';
import type { GatewayConfig } from './options.ts';

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger('gateway');
  const redis = config.redisUrl === undefined ? undefined : createRedisClient(config.redisUrl, logger);
  // Counters are shared from the first request when Redis answers; if it does not, start anyway.
  if (redis) await untilReady(redis, 3_000);
  const app = await buildGateway(config, {
    logger,
    metrics: createMetricsRegistry('gateway'),
    ...(redis ? { redis } : {}),
  });
  await runService(
    {
      app,
      stop: redis ? [async () => (redis.status === 'ready' ? redis.quit() : redis.disconnect())] : [],
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
