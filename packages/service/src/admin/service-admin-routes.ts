import {
  type AnyProjection,
  type AvroCodec,
  type EventsDatabase,
  listDeadLetters,
  rebuildAlreadyRunning,
  rebuildProjection,
  redriveDeadLetter,
  redriveDeadLetters,
} from '@conveyor/events';
import { ADMIN_ROLE, conveyorValidatorCompiler, sendProblem } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { unknownDeadLetterTopic, unknownProjection } from './admin-errors.ts';
import {
  DeadLetterParams,
  DeadLetterQuery,
  DeadLetterTopicParams,
  MessageIdsQuery,
  ProjectionParams,
  RebuildBody,
} from './admin-schemas.ts';
import { deadLetterTopicsOf } from './dead-letter-topics.ts';
import { lookupMessages } from './message-lookup.ts';
import { projectionStatus, type RebuildRun, withProgress } from './projection-status.ts';

export interface ServiceAdminRoutesOptions {
  service: string;
  db: Kysely<EventsDatabase>;
  kafka: Kafka;
  codec: AvroCodec;
  /** The topic namespace: rebuilds' consumer groups are named under it. */
  namespace: string;
  /** Every topic the service consumes or produces: the dead letters it shows are theirs. */
  topics: readonly string[];
  projections: readonly AnyProjection[];
  logger: Logger;
  /** @default () => new Date() */
  clock?: () => Date;
}

/**
 * What an operator's page asks of every service, role admin on each route: its inbox and outbox
 * rows for some message ids (how another service's admin view joins a saga's messages without
 * reading this database), its projections (generations, lag per partition, a rebuild started here
 * and its progress), and the dead letters of its topics (list, re-drive all or one). Encapsulated, with its
 * own validator and problem+json handler.
 */
export const serviceAdminRoutes: FastifyPluginAsyncTypebox<ServiceAdminRoutesOptions> = async (
  app,
  options,
) => {
  const { service, db, kafka, projections } = options;
  const clock = options.clock ?? (() => new Date());
  app.setValidatorCompiler(conveyorValidatorCompiler);
  app.setErrorHandler(sendProblem);
  const config = { access: { role: ADMIN_ROLE } };
  const splitIds = (ids: string) => ids.split(',').map((id) => id.toLowerCase());

  app.get('/admin/messages', { config, schema: { querystring: MessageIdsQuery } }, (request) =>
    lookupMessages(db, service, splitIds(request.query.ids)),
  );

  // One run per projection and process; the advisory lock in rebuildProjection also stops a second
  // process's rebuild, which then fails and says so in its run.
  const runs = new Map<string, RebuildRun>();
  const running = new Set<string>();
  const projectionNamed = (name: string) => {
    const definition = projections.find((p) => p.name === name);
    if (!definition)
      throw unknownProjection(
        name,
        projections.map((p) => p.name),
      );
    return definition;
  };

  app.get('/admin/projections', { config }, async () => ({
    service,
    projections: await Promise.all(
      projections.map((definition) => projectionStatus(db, kafka, definition, runs.get(definition.name))),
    ),
  }));

  app.post(
    '/admin/projections/:name/rebuild',
    { config, schema: { params: ProjectionParams, body: RebuildBody } },
    async (request, reply) => {
      const definition = projectionNamed(request.params.name);
      if (running.has(definition.name)) throw rebuildAlreadyRunning(definition.name);
      const from = request.body?.from;
      let run: RebuildRun = {
        generation: null,
        applied: 0,
        lag: 0,
        ratePerSecond: 0,
        startedAt: clock().toISOString(),
        finishedAt: null,
        error: null,
      };
      runs.set(definition.name, run);
      running.add(definition.name);
      // The rebuild outlives the request: the page follows it through GET /admin/projections.
      void rebuildProjection({
        db,
        kafka,
        codec: options.codec,
        definition,
        from: from === undefined || from === 'earliest' ? 'earliest' : new Date(from),
        groupPrefix: options.namespace,
        logger: options.logger,
        onProgress: (progress) => {
          run = withProgress(run, progress);
          runs.set(definition.name, run);
        },
      })
        .then(
          (result) => {
            run = { ...run, generation: result.generation, applied: result.applied, lag: 0 };
            runs.set(definition.name, { ...run, finishedAt: clock().toISOString() });
          },
          (error: unknown) => {
            options.logger.warn({ err: error, projection: definition.name }, 'projection rebuild failed');
            const message = error instanceof Error ? error.message : String(error);
            runs.set(definition.name, { ...run, finishedAt: clock().toISOString(), error: message });
          },
        )
        .finally(() => running.delete(definition.name));
      return reply.code(202).send({ projection: definition.name, rebuild: run });
    },
  );

  const deadLetterTopics = () => deadLetterTopicsOf(kafka, options.topics);
  const ownTopic = async (topic: string) => {
    if (!(await deadLetterTopics()).some((t) => t.topic === topic)) throw unknownDeadLetterTopic(topic);
  };

  app.get('/admin/dead-letters', { config, schema: { querystring: DeadLetterQuery } }, async (request) => {
    const topics = await deadLetterTopics();
    const ids =
      request.query.messageIds === undefined ? undefined : new Set(splitIds(request.query.messageIds));
    if (ids === undefined) return { service, topics, deadLetters: [] };
    // Only topics holding something are read: in a healthy system, none.
    const letters = await Promise.all(
      topics.filter((t) => t.count > 0).map((t) => listDeadLetters({ kafka, topic: t.topic })),
    );
    return {
      service,
      topics,
      deadLetters: letters.flat().filter((l) => l.messageId !== undefined && ids.has(l.messageId)),
    };
  });

  app.get(
    '/admin/dead-letters/:topic',
    { config, schema: { params: DeadLetterTopicParams } },
    async (request) => {
      await ownTopic(request.params.topic);
      return {
        topic: request.params.topic,
        deadLetters: await listDeadLetters({ kafka, topic: request.params.topic }),
      };
    },
  );

  app.post(
    '/admin/dead-letters/:topic/redrive',
    { config, schema: { params: DeadLetterTopicParams } },
    async (request) => {
      await ownTopic(request.params.topic);
      return redriveDeadLetters({ kafka, topic: request.params.topic });
    },
  );

  // Unknown position → CONVEYOR_DEAD_LETTER_NOT_FOUND, a 404.
  app.post(
    '/admin/dead-letters/:topic/:partition/:offset/redrive',
    { config, schema: { params: DeadLetterParams } },
    async (request) => {
      const { topic, partition, offset } = request.params;
      await ownTopic(topic);
      return redriveDeadLetter({ kafka, topic, partition, offset });
    },
  );
};
