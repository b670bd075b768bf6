import {
  type AnyProjection,
  type EventsDatabase,
  ProjectionStore,
  projectionLag,
  type RebuildProgress,
} from '@conveyor/events';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';

/** A rebuild this process started from the admin API, while it runs and after it ended. */
export interface RebuildRun {
  generation: number | null;
  applied: number;
  lag: number;
  ratePerSecond: number;
  startedAt: string;
  finishedAt: string | null;
  /** Why it stopped, when it failed (another process's rebuild holds the lock, say). */
  error: string | null;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The served generation's checkpoint: the next offset it applies. */
  next: string;
  high: string;
  lag: string;
}

export type ProjectionState = 'serving' | 'catching up' | 'rebuilding' | 'not started';

export interface ProjectionStatus {
  name: string;
  topics: string[];
  servedGeneration: number | null;
  buildingGeneration: number | null;
  state: ProjectionState;
  lag: string;
  partitions: PartitionLag[];
  /** The last rebuild this process started, null when none. */
  rebuild: RebuildRun | null;
}

/** Served and building generation, lag per partition against the served checkpoints, and the last admin rebuild. */
export async function projectionStatus(
  db: Kysely<EventsDatabase>,
  kafka: Kafka,
  definition: AnyProjection,
  rebuild: RebuildRun | undefined,
): Promise<ProjectionStatus> {
  const store = new ProjectionStore(db);
  const generations = await store.generations(definition.name);
  const checkpoints = generations
    ? await store.checkpoints(definition.name, generations.served)
    : new Map<string, bigint>();
  const { lag, partitions } = await projectionLag(kafka, definition.topics, checkpoints);
  const state: ProjectionState = !generations
    ? 'not started'
    : generations.building
      ? 'rebuilding'
      : lag > 0n
        ? 'catching up'
        : 'serving';
  return {
    name: definition.name,
    topics: definition.topics,
    servedGeneration: generations?.served ?? null,
    buildingGeneration: generations?.building ?? null,
    state,
    // Offsets are 64-bit: strings, as Kafka gives them.
    lag: String(lag),
    partitions: partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      next: String(p.next),
      high: String(p.high),
      lag: String(p.high > p.next ? p.high - p.next : 0n),
    })),
    rebuild: rebuild ?? null,
  };
}

/** The run's progress as the rebuild reports it. */
export function withProgress(run: RebuildRun, progress: RebuildProgress): RebuildRun {
  return {
    ...run,
    generation: progress.generation,
    applied: progress.applied,
    lag: Number(progress.lag),
    ratePerSecond: Math.round(progress.ratePerSecond),
  };
}
