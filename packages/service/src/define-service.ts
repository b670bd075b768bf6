import {
  type AnyProjection,
  type EventsDatabase,
  ensureTopics,
  eventsView,
  migrate,
  OutboxRelay,
  ProjectionHost,
} from '@conveyor/events';
import {
  createTokenVerifier,
  deadLetterCounter,
  type RunningService,
  type Stoppable,
  type TokenVerifier,
} from '@conveyor/http';
import { DEFAULT_PARTITIONS, type TopicKey, topicBindings, topicNames } from '@conveyor/schemas';
import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { Logger } from 'pino';
import { serviceAdminRoutes } from './admin/service-admin-routes.ts';
import { type ConsumerGroup, registerConsumerLagMetrics } from './internal/consumer-lag-metrics.ts';
import { Messaging } from './internal/messaging.ts';
import { registerMessagingReadiness } from './internal/messaging-readiness.ts';
import { registerOutboxMetrics } from './internal/outbox-metrics.ts';
import type { ServiceConfig } from './service-config.ts';
import type { ServiceDeps, ServiceOverrides } from './service-deps.ts';

/** Something a service runs beside its app: a consumer, a saga participant, an orchestrator, a pruner. */
export interface Worker {
  /** Named in logs and in StartOptions.workers. */
  readonly name: string;
  /** Resolves once it runs (a consumer has joined its group). */
  start(): Promise<void>;
  /** Finishes what is in flight and lets go (a consumer commits and leaves its group). */
  stop(): Promise<void>;
  /** The Kafka consumer group it reads with, if any: its lag is on /metrics (consumer_lag_messages). */
  readonly groupId?: string;
  /** The topics that group reads (with groupId). */
  readonly topics?: readonly string[];
}

/** What a service builds on its deps: its workers, and its app once they run. */
export interface ServiceParts {
  /** Started in this order after the projections, stopped in reverse. @default [] */
  workers?: Worker[];
  /** The service's routes on serviceAppFor(deps, …); built last, never listens. */
  app(): Promise<FastifyInstance>;
}

export interface WireContext<Config extends ServiceConfig> {
  config: Config;
  /** createTokenVerifier(config.jwt). */
  verifyToken: TokenVerifier;
  /** The service logger; give it to the app for request logs. */
  logger: Logger;
}

/** Where a service's projections read from: topic names under a namespace. */
export interface ProjectionSource {
  topics: Record<TopicKey, string>;
  namespace: string;
}

/** What a service has; `defineService` knows how to start it. */
export interface ServiceDefinition<
  Config extends ServiceConfig,
  DB extends EventsDatabase,
  Deps extends ServiceDeps<DB>,
  Parts extends ServiceParts,
> {
  /** e.g. `orders`; its database is `conveyor_<name>` for `npm start` and the replay CLI. */
  name: string;
  migrations: Record<string, Migration>;
  /** Every topic it consumes or produces: created, with its `.dlq`, if missing. */
  topics: readonly TopicKey[];
  /** The topics its outbox writes to: their schemas are registered under its subjects. */
  produces: readonly TopicKey[];
  /** The outbox relay's leader lock (one leader per database). @default 'conveyor.outbox-relay' */
  relayLock?: string;
  /** Builds its deps on createServiceDeps; connects nothing. */
  deps(config: Config, overrides?: ServiceOverrides): Deps & ServiceDeps<DB>;
  /** Its read models: hosted before the workers start, and rebuilt by `npm run replay`. @default none */
  projections?(source: ProjectionSource): AnyProjection[];
  wire(deps: Deps, context: WireContext<Config>): Parts;
}

export interface StartOptions {
  /** Handed to the service's `deps`: a logger, test clocks and ids. @default {} */
  overrides?: ServiceOverrides;
  /** Run the outbox relay (a test that publishes by hand turns it off). @default true */
  relay?: boolean;
  /** Host the projections. @default true */
  projections?: boolean;
  /** Names of the workers to start; the others are built (the app may use them) but not run. @default all */
  workers?: readonly string[];
  /**
   * `await`: start resolves once the messaging side (topics, schemas, relay, projections,
   * workers) runs, and rejects if it cannot start. `background`: start resolves as soon as the app
   * can serve (database migrated, projection tables there); the messaging side starts behind it
   * and is tried again while Kafka or the registry cannot be reached (main.ts). @default 'await'
   */
  messaging?: 'await' | 'background';
  /** With `messaging: 'background'`: a failure to start it that waiting will not mend. */
  onMessagingFailure?: (error: unknown) => void;
}

/** A started service: its app (not listening), what to stop once it has closed, and its parts. */
export interface StartedService<Deps, Parts extends ServiceParts> extends RunningService {
  deps: Deps;
  /** The running relay, when started. */
  relay: OutboxRelay | undefined;
  /** One host per projection, following its served generation. */
  projections: ProjectionHost[];
  parts: Parts;
  /** The messaging side: `starting` until it runs (GET /ready/messaging answers 200 then). */
  messaging: Messaging;
  /** Closes the app, then stops the rest (what runService does on SIGTERM). */
  close(): Promise<void>;
}

export interface DefinedService<Config extends ServiceConfig, Deps, Parts extends ServiceParts> {
  readonly name: string;
  /** The projections of the service under a topic namespace (the replay CLI's registry). */
  projections(namespace: string): AnyProjection[];
  /**
   * migrate → projection tables → app, and the messaging side: topics → schemas → relay →
   * projection hosts (groups under the namespace) → workers (StartOptions.messaging). When a step
   * fails, what had started is stopped in reverse and the pool closed before the error is rethrown.
   */
  start(config: Config, options?: StartOptions): Promise<StartedService<Deps, Parts>>;
}

/** Declares a service; main.ts runs it with runMain, tests with `start`. */
export function defineService<
  Config extends ServiceConfig,
  DB extends EventsDatabase,
  Deps extends ServiceDeps<DB>,
  Parts extends ServiceParts,
>(definition: ServiceDefinition<Config, DB, Deps, Parts>): DefinedService<Config, Deps, Parts> {
  const projections = (namespace: string) =>
    definition.projections?.({ topics: topicNames(namespace), namespace }) ?? [];
  return {
    name: definition.name,
    projections,
    async start(config, options = {}) {
      const deps = definition.deps(config, options.overrides);
      // Stopped in reverse order of start; the pool closes last.
      const started: Stoppable[] = [() => deps.db.destroy()];
      const stop = () => [...started].reverse();
      try {
        await migrate(deps.db, definition.migrations);

        // On every service's /metrics, dead letters or not: one name set whatever the service.
        const onDeadLetter = deadLetterCounter(deps.metrics);
        const hosts =
          options.projections === false
            ? []
            : projections(deps.namespace).map(
                (definitionOf) =>
                  new ProjectionHost({
                    db: eventsView(deps.db),
                    kafka: deps.kafka,
                    codec: deps.codec,
                    definition: definitionOf,
                    groupPrefix: deps.namespace,
                    logger: deps.logger,
                    onDeadLetter,
                  }),
              );
        // Before the app: a first start creates the views the routes read.
        for (const host of hosts) await host.prepare();

        const relay =
          options.relay === false
            ? undefined
            : new OutboxRelay({
                db: deps.db,
                databaseUrl: config.databaseUrl,
                kafka: deps.kafka,
                codec: deps.codec,
                logger: deps.logger,
                ...(definition.relayLock ? { lockName: definition.relayLock } : {}),
              });
        if (relay) registerOutboxMetrics(deps.metrics, () => relay.backlog());

        const parts = definition.wire(deps, {
          config,
          verifyToken: createTokenVerifier(config.jwt),
          logger: deps.logger,
        });
        const workers = (parts.workers ?? []).filter(
          (worker) => !options.workers || options.workers.includes(worker.name),
        );
        const groups: ConsumerGroup[] = workers.flatMap((worker) =>
          worker.groupId !== undefined && worker.topics !== undefined
            ? [{ groupId: worker.groupId, topics: worker.topics }]
            : [],
        );
        started.push(registerConsumerLagMetrics(deps.metrics, deps.kafka, () => groups));

        const messaging = new Messaging(
          [
            {
              name: 'topics',
              start: () =>
                ensureTopics(
                  deps.kafka,
                  definition.topics.map((key) => ({
                    topic: deps.topics[key],
                    partitions: DEFAULT_PARTITIONS,
                  })),
                ),
              stop: async () => undefined,
            },
            {
              name: 'schemas',
              start: () => deps.codec.registerAll(topicBindings([...definition.produces], deps.namespace)),
              stop: async () => undefined,
            },
            ...(relay
              ? [{ name: 'outbox-relay', start: async () => relay.start(), stop: () => relay.stop() }]
              : []),
            ...hosts.map((host) => ({
              name: `projection ${host.name}`,
              start: () => host.start(),
              stop: () => host.stop(),
            })),
            ...workers,
          ],
          deps.logger,
        );
        started.push(() => messaging.stop());

        const app = await parts.app();
        await app.register(serviceAdminRoutes, {
          service: definition.name,
          db: eventsView(deps.db),
          kafka: deps.kafka,
          codec: deps.codec,
          namespace: deps.namespace,
          topics: definition.topics.map((key) => deps.topics[key]),
          projections: projections(deps.namespace),
          logger: deps.logger,
        });
        registerMessagingReadiness(app, messaging);

        if (options.messaging === 'background')
          messaging.startPatiently(
            options.onMessagingFailure ?? ((error) => deps.logger.error({ err: error })),
          );
        else await messaging.start();

        const service: StartedService<Deps, Parts> = {
          app,
          stop: stop(),
          deps,
          relay,
          projections: hosts,
          parts,
          messaging,
          async close() {
            await app.close();
            for (const step of service.stop) await step();
          },
        };
        return service;
      } catch (error) {
        for (const step of stop()) await step().catch(() => undefined);
        throw error;
      }
    },
  };
}
