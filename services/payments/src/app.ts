import { createServiceApp, type TokenVerifier } from '@conveyor/http';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from './deps.ts';
import { paymentsRoutes } from './http/payments.routes.ts';

export interface BuildAppOptions {
  /** Checks every caller's bearer token: createTokenVerifier(config.jwt). */
  verifyToken: TokenVerifier;
  /** The request logger (pino); `false` keeps tests quiet. @default false */
  logger?: FastifyBaseLogger | false;
}

/**
 * The payments HTTP app (routes for the caller's verified token, and /health, /ready, /metrics,
 * /docs for anyone). Never listens.
 */
export async function buildApp(deps: Deps, options: BuildAppOptions) {
  const app = await createServiceApp({
    name: 'payments',
    logger: options.logger ?? false,
    verifyToken: options.verifyToken,
    metrics: deps.metrics,
    readiness: {
      database: () => sql`SELECT 1`.execute(deps.db),
      kafka: () => kafkaMetadata(deps),
    },
  });
  await app.register(paymentsRoutes, { db: deps.db });
  return app;
}

/** A metadata request: the brokers answer, not just accept a connection. */
async function kafkaMetadata(deps: Deps): Promise<void> {
  // No retries: /ready has its own timeout, and a retrying admin would outlive it.
  const admin = deps.kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the cluster lists no brokers');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
