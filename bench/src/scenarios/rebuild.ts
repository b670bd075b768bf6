import { type ProjectionDefinition, rebuildProjection } from '@conveyor/events';
import { uniqueName } from '@conveyor/infra-local/testing';
import { sql } from 'kysely';
import { type BenchContext, sized } from '../context.ts';
import { BENCH_ITEM, type BenchItem } from '../infra-world.ts';
import { formatCount } from '../measure/progress.ts';
import { type ResultRow, rateRow } from '../scenario.ts';
import { filledTopicBaseline, inInfraWorld, rawConsumeBaseline } from './infra-scenario.ts';

interface ItemCountsTables {
  item_counts: { aggregate_id: string; items: number; last_version: number };
}

/** A read model of how many items each aggregate has: one upsert per message. */
function itemCounts(topic: string): ProjectionDefinition<ItemCountsTables> {
  return {
    name: uniqueName('bench.item-counts'),
    topics: [topic],
    tables: ['item_counts'],
    async createTables(db, schema) {
      await sql`CREATE TABLE ${sql.id(schema, 'item_counts')} (
        aggregate_id text PRIMARY KEY, items int NOT NULL, last_version int NOT NULL
      )`.execute(db);
    },
    handlers: {
      [BENCH_ITEM]: async (message, { db }) => {
        const item = message.data as BenchItem;
        await db
          .insertInto('item_counts')
          .values({ aggregate_id: item.aggregateId, items: 1, last_version: item.version })
          .onConflict((oc) =>
            oc.column('aggregate_id').doUpdateSet((eb) => ({
              items: eb('item_counts.items', '+', 1),
              last_version: eb.ref('excluded.last_version'),
            })),
          )
          .execute();
      },
    },
  };
}

/**
 * rebuildProjection filling a new generation from a topic of 100,000 messages (the figure is its
 * own elapsed time: generation set-up, group join, the replay and the switch) vs raw kafkajs
 * `eachBatch` reading the same topic from a fresh group.
 */
export async function rebuildScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const count = sized(ctx, 100_000, 2_000);
  return inInfraWorld(ctx, 'rebuild', async (world, progress) => {
    const raw = await filledTopicBaseline(world, count, 100, progress);

    const definition = itemCounts(world.topic);
    const { value: result, report } = await ctx.phase('rebuild', { self: true }, () =>
      rebuildProjection({
        db: world.db,
        kafka: world.kafka,
        codec: world.codec,
        definition,
        onProgress: (p) => progress.update(`rebuild applied ${formatCount(p.applied)}/${formatCount(count)}`),
      }),
    );
    progress.done();
    if (result.applied !== count)
      throw new Error(`the rebuild applied ${result.applied} of ${count} messages`);

    return [
      rateRow({
        scenario: 'rebuild',
        count: result.applied,
        elapsedMs: result.elapsedMs,
        figure: {
          unit: 'msg/s',
          what: `rebuildProjection of ${formatCount(count)} messages, one upsert each`,
        },
        baseline: rawConsumeBaseline(count, raw),
        targets: [
          { on: 'figure', atLeast: 20_000 },
          { on: 'ratio', atLeast: 0.3 },
        ],
        details: {
          messages: count,
          rebuildMs: result.elapsedMs,
          rawMs: raw.elapsedMs,
          rawFirstMessageMs: raw.firstMessageMs,
        },
        phase: report,
      }),
    ];
  });
}
