import type { Transaction } from 'kysely';
import type { EventsDatabase } from '../db/tables.ts';
import { checkpointKey, type ProjectionStore } from '../projections/projection-store.ts';

type Trx = Transaction<EventsDatabase>;

/**
 * The checkpoints one generation of a projection writes while it holds a role (served or
 * building). Every transaction of a runner locks its partition's checkpoint here first, so that a
 * switch, an evicted member and the partition's new owner serialise on the same rows.
 */
export class GenerationCheckpoints {
  constructor(
    private readonly store: ProjectionStore,
    private readonly projection: string,
    private readonly generation: number,
    private readonly role: 'served' | 'building',
  ) {}

  /** The partition's checkpoint, locked for this transaction; null when the generation left its role. */
  async lockIfOurs(trx: Trx, topic: string, partition: number): Promise<bigint | null> {
    const { projection, generation, role } = this;
    // FOR SHARE: a switch (FOR UPDATE) waits for this transaction, and this transaction sees a switch.
    const row = await trx
      .selectFrom('projection_generations')
      .select(['served_generation', 'building_generation'])
      .where('projection', '=', projection)
      .forShare()
      .executeTakeFirst();
    const current = role === 'served' ? row?.served_generation : row?.building_generation;
    if (current !== generation) return null;
    // A partition's first batch has no row to lock yet: create it first, so that a member evicted
    // mid-batch and the partition's new owner serialise on it instead of both applying the batch.
    await trx
      .insertInto('projection_checkpoints')
      .values({ projection, generation, topic, partition, next_offset: '0' })
      .onConflict((oc) => oc.columns(['projection', 'generation', 'topic', 'partition']).doNothing())
      .execute();
    const checkpoint = await trx
      .selectFrom('projection_checkpoints')
      .select('next_offset')
      .where('projection', '=', projection)
      .where('generation', '=', generation)
      .where('topic', '=', topic)
      .where('partition', '=', partition)
      .forUpdate()
      .executeTakeFirst();
    return checkpoint ? BigInt(checkpoint.next_offset) : 0n;
  }

  /** Moves the partition's checkpoint from `from` to `next`; never back. */
  async move(trx: Trx, topic: string, partition: number, from: bigint, next: bigint): Promise<void> {
    if (next <= from) return;
    await this.store.setCheckpoints(
      trx,
      this.projection,
      this.generation,
      new Map([[checkpointKey(topic, partition), next]]),
    );
  }
}
