/**
 * The gateway process: reads the environment once, builds the gateway, listens, and on SIGTERM
 * drains in-flight requests and closes Redis (runService). With the development secret it also
 * prints a token for a demo user, so that the API can be tried at once.
 */
import { createLogger, createMetricsRegistry, runService } from '@conveyor/http';
import { buildGateway } from './app.ts';
import { loadGatewayConfig, usesDevelopmentSecret } from './config.ts';
import { mintDemoToken } from './demo-token.ts';
import { createRedisClient, untilReady } from './http/redis-client.ts';
import type { GatewayConfig } from './options.ts';

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    process.stderr.write(`gateway: ${(error as Error).message}\n`);
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
  if (usesDevelopmentSecret(config)) {
    const demo = mintDemoToken();
    logger.info(
      { userId: demo.userId, roles: demo.roles, token: demo.token },
      `demo token (development secret, 12 h): curl -H "Authorization: Bearer ${demo.token}" http://${config.host}:${config.port}/api/products`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
