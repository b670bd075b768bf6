import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventsDatabase } from '../db/tables.ts';
import { type AnyProjection, generationSchema } from './projection.ts';

export interface GenerationState {
  served: number;
  building: number | null;
}

export type Checkpoints = Map<string, bigint>; // `${topic}:${partition}` → next offset

export const checkpointKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** Generations, checkpoints and the views that serve one generation. */
export class ProjectionStore {
  constructor(private readonly db: Kysely<EventsDatabase>) {}

  async generations(projection: string): Promise<GenerationState | undefined> {
    const row = await this.db
      .selectFrom('projection_generations')
      .selectAll()
      .where('projection', '=', projection)
      .executeTakeFirst();
    return row && { served: row.served_generation, building: row.building_generation };
  }

  /** Generation 1, created and served the first time a projection runs. */
  async ensureFirstGeneration(definition: AnyProjection): Promise<GenerationState> {
    return this.db.transaction().execute(async (trx) => {
      // Serialise two processes starting the same projection for the first time.
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`projection:${definition.name}`}, 0))`.execute(
        trx,
      );
      const existing = await trx
        .selectFrom('projection_generations')
        .selectAll()
        .where('projection', '=', definition.name)
        .executeTakeFirst();
      if (existing) return { served: existing.served_generation, building: existing.building_generation };
      await this.createGeneration(trx, definition, 1);
      await this.serve(trx, definition, 1);
      await trx
        .insertInto('projection_generations')
        .values({
          projection: definition.name,
          served_generation: 1,
          building_generation: null,
          switched_at: new Date(),
        })
        .execute();
      return { served: 1, building: null };
    });
  }

  async createGeneration(trx: Transaction<EventsDatabase>, definition: AnyProjection, generation: number) {
    const schema = generationSchema(definition.name, generation);
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(trx);
    await definition.createTables<EventsDatabase>(trx, schema);
  }

  /** Points the public views at the generation's tables (in the caller's transaction: atomic). */
  async serve(trx: Transaction<EventsDatabase>, definition: AnyProjection, generation: number) {
    const schema = generationSchema(definition.name, generation);
    for (const table of definition.tables) {
      // Drop and create rather than CREATE OR REPLACE: a new generation may change the columns.
      await sql`DROP VIEW IF EXISTS ${sql.id(table)}`.execute(trx);
      await sql`CREATE VIEW ${sql.id(table)} AS SELECT * FROM ${sql.id(schema, table)}`.execute(trx);
    }
  }

  async dropGeneration(definition: AnyProjection, generation: number): Promise<void> {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(generationSchema(definition.name, generation))} CASCADE`.execute(
      this.db,
    );
    for (const table of ['projection_checkpoints', 'projection_dead_letters'] as const) {
      await this.db
        .deleteFrom(table)
        .where('projection', '=', definition.name)
        .where('generation', '=', generation)
        .execute();
    }
  }

  async checkpoints(
    projection: string,
    generation: number,
    db: Kysely<EventsDatabase> = this.db,
  ): Promise<Checkpoints> {
    const rows = await db
      .selectFrom('projection_checkpoints')
      .select(['topic', 'partition', 'next_offset'])
      .where('projection', '=', projection)
      .where('generation', '=', generation)
      .execute();
    return new Map(rows.map((r) => [checkpointKey(r.topic, r.partition), BigInt(r.next_offset)]));
  }

  async setCheckpoints(
    trx: Transaction<EventsDatabase>,
    projection: string,
    generation: number,
    offsets: Checkpoints,
  ) {
    for (const [key, offset] of offsets) {
      const [topic, partition] = splitKey(key);
      await trx
        .insertInto('projection_checkpoints')
        .values({ projection, generation, topic, partition, next_offset: offset.toString() })
        .onConflict((oc) =>
          oc
            .columns(['projection', 'generation', 'topic', 'partition'])
            .doUpdateSet({ next_offset: offset.toString(), updated_at: new Date() }),
        )
        .execute();
    }
  }
}

export function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}
