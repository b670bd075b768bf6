import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import type { AvroCodec } from '../codec/avro-codec.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { ConveyorError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { eventsView } from '../outbox/outbox.ts';
import type { ProjectionDefinition } from './projection.ts';
import { projectionLag } from './projection-lag.ts';
import { type PoisonMessageOptions, poisonMessageOptions } from './projection-options.ts';
import { ProjectionRunner } from './projection-runner.ts';
import { type Checkpoints, checkpointKey, ProjectionStore } from './projection-store.ts';

export interface RebuildProgress {
  generation: number;
  applied: number;
  lag: bigint;
  ratePerSecond: number;
  elapsedMs: number;
}

/** A rebuild treats poison messages as the live runner does (give it the same options). */
export interface RebuildOptions<DB extends EventsDatabase> extends PoisonMessageOptions {
  db: Kysely<DB>;
  kafka: Kafka;
  codec: AvroCodec;
  // biome-ignore lint/suspicious/noExplicitAny: table types differ per projection
  definition: ProjectionDefinition<any>;
  /** Where the new generation starts: the earliest offsets, or the first offsets at or after a time. */
  from?: 'earliest' | Date;
  onProgress?: (progress: RebuildProgress) => void;
  /** @default 250 */
  pollMs?: number;
  /** Prefix of the rebuild's consumer group (the topic namespace). @default '' */
  groupPrefix?: string;
  logger?: Logger;
}

export interface RebuildResult {
  projection: string;
  previousGeneration: number;
  generation: number;
  applied: number;
  /** Messages the new generation dead-lettered (it moved past them, as the live runner does). */
  deadLettered: number;
  elapsedMs: number;
  /** True when an interrupted rebuild of this generation was resumed from its checkpoints. */
  resumed: boolean;
}

export const rebuildAlreadyRunning = (projection: string) =>
  new ConveyorError('CONVEYOR_REBUILD_RUNNING', 409, `a rebuild of ${projection} is already running`, {
    projection,
  });

/**
 * Fills the next generation of a projection from its topics while the served one keeps answering,
 * then, when the new generation has caught up (no lag, checked while holding the projection's row
 * lock), switches the views to it in one transaction and drops the old generation. A rebuild that
 * was killed resumes its generation from its own checkpoints.
 */
export async function rebuildProjection<DB extends EventsDatabase>(
  options: RebuildOptions<DB>,
): Promise<RebuildResult> {
  const db = eventsView(options.db);
  const { definition, kafka } = options;
  const store = new ProjectionStore(db);
  return db.connection().execute(async (session) => {
    const lockKey = `projection-rebuild:${definition.name}`;
    const { rows } = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_lock(hashtextextended(${lockKey}, 0)) AS locked`.execute(session);
    if (!rows[0]?.locked) throw rebuildAlreadyRunning(definition.name);
    try {
      return await rebuildLocked(options, db, store, kafka);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${lockKey}, 0))`.execute(session);
    }
  });
}

async function rebuildLocked<DB extends EventsDatabase>(
  options: RebuildOptions<DB>,
  db: Kysely<EventsDatabase>,
  store: ProjectionStore,
  kafka: Kafka,
): Promise<RebuildResult> {
  const { definition } = options;
  const began = Date.now();
  const current = await store.ensureFirstGeneration(definition);
  const resumed = current.building !== null;
  const generation = current.building ?? current.served + 1;
  if (!resumed) {
    const start = await startOffsets(kafka, definition.topics, options.from ?? 'earliest');
    await db.transaction().execute(async (trx) => {
      await store.createGeneration(trx, definition, generation);
      await store.setCheckpoints(trx, definition.name, generation, start);
      await trx
        .updateTable('projection_generations')
        .set({ building_generation: generation })
        .where('projection', '=', definition.name)
        .execute();
    });
  }
  const runner = new ProjectionRunner({
    db,
    kafka,
    codec: options.codec,
    definition,
    generation,
    role: 'building',
    ...poisonMessageOptions(options),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.groupPrefix ? { groupPrefix: options.groupPrefix } : {}),
  });
  // Everything on the topics when the rebuild starts is in the new generation before it is served.
  const target = new Map(
    (await projectionLag(kafka, definition.topics, new Map())).partitions.map((p) => [
      checkpointKey(p.topic, p.partition),
      p.high,
    ]),
  );
  await runner.start();
  try {
    for (;;) {
      const { lag } = await projectionLag(
        kafka,
        definition.topics,
        await store.checkpoints(definition.name, generation),
      );
      const elapsedMs = Date.now() - began;
      options.onProgress?.({
        generation,
        applied: runner.applied,
        lag,
        ratePerSecond: runner.applied / Math.max(elapsedMs / 1000, 0.001),
        elapsedMs,
      });
      const building = await store.checkpoints(definition.name, generation);
      if (
        caughtUp(building, target) &&
        caughtUp(building, await store.checkpoints(definition.name, current.served))
      ) {
        if (await trySwitch(db, store, definition, generation, current.served)) break;
      }
      await sleep(options.pollMs ?? 250);
    }
  } finally {
    await runner.stop();
  }
  await store.dropGeneration(definition, current.served);
  return {
    projection: definition.name,
    previousGeneration: current.served,
    generation,
    applied: runner.applied,
    deadLettered: runner.deadLettered,
    elapsedMs: Date.now() - began,
    resumed,
  };
}

/**
 * Caught up: in every partition the new generation has applied at least as far as the served one.
 * Measured against the served generation rather than the topic's end, so a rebuild can finish
 * while messages keep arriving, and switching never shows queries older data than they saw.
 */
function caughtUp(building: Checkpoints, served: Checkpoints): boolean {
  for (const [key, offset] of served) if ((building.get(key) ?? 0n) < offset) return false;
  return true;
}

/**
 * The switch. Under the projection's row lock the served generation's runner cannot apply a batch
 * (it takes the row FOR SHARE), so the comparison holds until the views point at the new tables.
 */
async function trySwitch(
  db: Kysely<EventsDatabase>,
  store: ProjectionStore,
  // biome-ignore lint/suspicious/noExplicitAny: table types differ per projection
  definition: ProjectionDefinition<any>,
  generation: number,
  served: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('projection_generations')
      .select('projection')
      .where('projection', '=', definition.name)
      .forUpdate()
      .execute();
    const building = await store.checkpoints(definition.name, generation, trx);
    if (!caughtUp(building, await store.checkpoints(definition.name, served, trx))) return false;
    await store.serve(trx, definition, generation);
    await trx
      .updateTable('projection_generations')
      .set({ served_generation: generation, building_generation: null, switched_at: new Date() })
      .where('projection', '=', definition.name)
      .execute();
    return true;
  });
}

async function startOffsets(kafka: Kafka, topics: string[], from: 'earliest' | Date): Promise<Checkpoints> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets: Checkpoints = new Map();
    for (const topic of topics) {
      const partitions =
        from === 'earliest'
          ? (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.low }))
          : await admin.fetchTopicOffsetsByTimestamp(topic, from.getTime());
      for (const p of partitions) offsets.set(checkpointKey(topic, p.partition), BigInt(p.offset));
    }
    return offsets;
  } finally {
    await admin.disconnect();
  }
}
