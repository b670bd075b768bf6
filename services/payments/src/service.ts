import { ensureTopics, migrate, OutboxRelay } from '@conveyor/events';
import { createTokenVerifier, type RunningService } from '@conveyor/http';
import { DEFAULT_PARTITIONS, type TopicKey, topicBindings } from '@conveyor/schemas';
import type { Kysely } from 'kysely';
import { buildApp } from './app.ts';
import { registerOutboxMetrics } from './application/payment-metrics.ts';
import type { PaymentsConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import { createDeps, type Deps, type DepsOverrides } from './deps.ts';
import { createPaymentsParticipant } from './messaging/payments-participant.ts';

/** The running service: its app (not listening yet), what to stop after it, and its deps (for tests). */
export interface PaymentsService extends RunningService {
  deps: Deps;
}

/** The topics the service consumes (commands) or produces (events, replies). */
const TOPICS: readonly TopicKey[] = ['paymentsCommands', 'paymentsEvents', 'sagaReplies'];

/**
 * Everything main.ts does but listening: migrate, topics, schemas, relay, participant, app (verifying
 * tokens with config.jwt).
 * `stop` is in shutdown order (the participant finishes its command and commits, then the relay
 * drains, then the pool closes). A failed start stops what it had started and throws.
 */
export async function startPaymentsService(
  config: PaymentsConfig,
  overrides: DepsOverrides = {},
): Promise<PaymentsService> {
  const deps = createDeps(config, overrides);
  const started: (() => Promise<unknown>)[] = [() => deps.db.destroy()];
  try {
    await migrate(deps.db as Kysely<unknown>, migrations);
    const names = TOPICS.map((key) => deps.topics[key]);
    await ensureTopics(
      deps.kafka,
      names.map((topic) => ({ topic, partitions: DEFAULT_PARTITIONS })),
    );
    await deps.codec.registerAll(topicBindings(TOPICS, config.topicNamespace));

    const relay = new OutboxRelay({
      db: deps.db,
      databaseUrl: config.databaseUrl,
      kafka: deps.kafka,
      codec: deps.codec,
      logger: deps.logger,
    });
    relay.start();
    started.unshift(() => relay.stop());
    registerOutboxMetrics(deps.metrics, () => relay.backlog());

    const participant = createPaymentsParticipant(deps);
    started.unshift(() => participant.stop());
    await participant.start();

    const app = await buildApp(deps, { verifyToken: createTokenVerifier(config.jwt), logger: deps.logger });
    return { app, stop: started, deps };
  } catch (error) {
    for (const stop of started) await stop().catch(() => undefined);
    throw error;
  }
}
