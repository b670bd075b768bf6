import type { EventsDatabase } from '@conveyor/events';
import { createServiceApp, type TokenVerifier } from '@conveyor/http';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { kafkaReadiness } from './internal/kafka-readiness.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface ServiceAppFor {
  /** Checks every caller's bearer token: createTokenVerifier(config.jwt). */
  verifyToken: TokenVerifier;
  /** Request logs (pino); `false` keeps tests quiet. @default false */
  logger?: FastifyBaseLogger | false;
}

/**
 * The service's Fastify app before its routes: @conveyor/http's service app on the deps' metrics
 * registry. /ready is decided by the database alone: a request writes its messages to the outbox,
 * so a service serves while Kafka is down (the gateway and Kubernetes keep sending it traffic) and
 * its relay publishes once the broker is back. Kafka is probed and shown beside it (one admin
 * connection, kept between probes and closed with the app). Does not listen.
 */
export async function serviceAppFor<DB extends EventsDatabase>(
  deps: Pick<ServiceDeps<DB>, 'service' | 'db' | 'kafka' | 'metrics'>,
  options: ServiceAppFor,
) {
  const kafka = kafkaReadiness(deps.kafka);
  const app = await createServiceApp({
    name: deps.service,
    logger: options.logger ?? false,
    metrics: deps.metrics,
    verifyToken: options.verifyToken,
    readiness: { database: () => sql`SELECT 1`.execute(deps.db) },
    reportedReadiness: { kafka: kafka.check },
  });
  app.addHook('onClose', kafka.close);
  return app;
}
