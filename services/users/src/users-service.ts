import {
  ensureTopics,
  type Logger,
  migrate,
  OutboxRelay,
  ProjectionHost,
  silentLogger,
} from '@conveyor/events';
import {
  createMetricsRegistry,
  createTokenVerifier,
  deadLetterCounter,
  type RunningService,
} from '@conveyor/http';
import { DEFAULT_PARTITIONS, topicBindings } from '@conveyor/schemas';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp, type UsersApp } from './app.ts';
import type { UsersConfig } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { UsersDatabase } from './db/tables.ts';
import { createDeps, type UsersDeps } from './deps.ts';
import { usersProjections } from './projections/user-directory.projection.ts';

export interface StartUsersServiceOptions {
  /** The service logger (pino), also given to Fastify. @default none */
  logger?: Logger & FastifyBaseLogger;
}

export interface UsersService extends RunningService {
  app: UsersApp;
  deps: UsersDeps;
  relay: OutboxRelay;
  /** One host per projection (users.directory), following its served generation. */
  projections: ProjectionHost<UsersDatabase>[];
}

/**
 * Everything main does before listening: deps, migrations, topics, schemas, the outbox relay, the
 * projection hosts and the app, verifying tokens with config.jwt. `stop` lists what to stop, in
 * order, once the app has closed (runService does that): the projections, then the relay, then
 * the pool.
 */
export async function startUsersService(
  config: UsersConfig,
  options: StartUsersServiceOptions = {},
): Promise<UsersService> {
  const logger = options.logger;
  const deps = createDeps(config, logger ?? silentLogger);
  let relay: OutboxRelay | undefined;
  const projections: ProjectionHost<UsersDatabase>[] = [];
  try {
    await migrate(deps.db as Kysely<unknown>, migrations);
    await ensureTopics(deps.kafka, [{ topic: deps.topics.usersEvents, partitions: DEFAULT_PARTITIONS }]);
    await deps.codec.registerAll(topicBindings(['usersEvents'], config.topicNamespace));
    relay = new OutboxRelay({
      db: deps.db,
      databaseUrl: config.databaseUrl,
      kafka: deps.kafka,
      codec: deps.codec,
      lockName: 'users.outbox-relay',
      logger: deps.logger,
    });
    relay.start();
    const metrics = createMetricsRegistry('users');
    const onDeadLetter = deadLetterCounter(metrics);
    // Started before the app: the first start creates the views the routes read.
    for (const definition of usersProjections(config.topicNamespace)) {
      const host = new ProjectionHost({
        db: deps.db,
        kafka: deps.kafka,
        groupPrefix: config.topicNamespace,
        codec: deps.codec,
        definition,
        logger: deps.logger,
        onDeadLetter,
      });
      projections.push(host);
      await host.start();
    }
    const app = await buildApp(deps, {
      verifyToken: createTokenVerifier(config.jwt),
      logger: logger ?? false,
      outbox: relay,
      metrics,
    });
    const running = relay;
    return {
      app,
      deps,
      relay,
      projections,
      stop: [...projections.map((host) => () => host.stop()), () => running.stop(), () => deps.db.destroy()],
    };
  } catch (error) {
    for (const host of projections) await host.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await deps.db.destroy().catch(() => undefined);
    throw error;
  }
}
