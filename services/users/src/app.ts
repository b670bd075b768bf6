import { createMetricsRegistry, createServiceApp, type Registry, type TokenVerifier } from '@conveyor/http';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { UsersDeps } from './deps.ts';
import { directoryRoutes } from './http/directory.routes.ts';
import { usersRoutes } from './http/users.routes.ts';
import { kafkaReadiness } from './messaging/kafka-readiness.ts';
import { type OutboxBacklogSource, registerOutboxMetrics } from './messaging/outbox-metrics.ts';

export interface BuildAppOptions {
  /** Checks every caller's bearer token: createTokenVerifier(config.jwt). */
  verifyToken: TokenVerifier;
  /** A pino logger; `false` in tests. @default false */
  logger?: FastifyBaseLogger | false;
  /** Shows the outbox backlog on /metrics (the running relay). @default none */
  outbox?: OutboxBacklogSource;
  /** The registry /metrics serves, when the service counts things before the app exists. @default a new one */
  metrics?: Registry;
}

/**
 * The users HTTP app: the routes on @conveyor/http's service app (problem+json, correlation ids,
 * the caller's verified token on every route but /health, /ready, /metrics and /docs, /ready
 * checking Postgres and Kafka). Never listens. GET /directory reads the `user_directory` view,
 * which the users.directory projection host creates on its first start (startUsersService does
 * that before building the app).
 */
export async function buildApp(deps: UsersDeps, options: BuildAppOptions) {
  const metrics = options.metrics ?? createMetricsRegistry('users');
  const kafka = kafkaReadiness(deps.kafka);
  const app = await createServiceApp({
    name: 'users',
    logger: options.logger ?? false,
    metrics,
    verifyToken: options.verifyToken,
    readiness: {
      database: () => sql`select 1`.execute(deps.db),
      kafka: kafka.check,
    },
  });
  app.addHook('onClose', kafka.close);
  if (options.outbox) registerOutboxMetrics(metrics, options.outbox);
  await app.register(usersRoutes, { deps });
  await app.register(directoryRoutes, { db: deps.db });
  return app;
}

export type UsersApp = Awaited<ReturnType<typeof buildApp>>;
