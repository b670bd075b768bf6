import { defineProjection, rebuildProjection } from '@conveyor/events';
import { uniqueName } from '@conveyor/infra-local/testing';
import { type QueryCreator, sql } from 'kysely';
import { type BenchContext, sized } from '../context.ts';
import { BENCH_ITEM, type BenchItem } from '../infra-world.ts';
import { formatCount } from '../measure/progress.ts';
import { type ResultRow, rateRow } from '../scenario.ts';
import { filledTopicBaseline, inInfraWorld, rawConsumeBaseline } from './infra-scenario.ts';

interface ItemCountsTables {
  item_counts: { aggregate_id: string; items: number; last_version: number };
}

type BenchMessages = { [BENCH_ITEM]: BenchItem };
type ItemCountRow = ItemCountsTables['item_counts'];

/**
 * A read model of how many items each aggregate has. `batched`: one multi-row upsert per run of
 * messages (the messages merged by aggregate first); otherwise one upsert per message.
 */
function itemCounts(topic: string, batched: boolean) {
  return defineProjection<ItemCountsTables, BenchMessages>({
    name: uniqueName(batched ? 'bench.item-counts-batched' : 'bench.item-counts'),
    topics: [topic],
    tables: ['item_counts'],
    async createTables(db, schema) {
      await sql`CREATE TABLE ${sql.id(schema, 'item_counts')} (
        aggregate_id text PRIMARY KEY, items int NOT NULL, last_version int NOT NULL
      )`.execute(db);
    },
    handlers: batched ? {} : { [BENCH_ITEM]: async (message, { db }) => upsert(db, [countOf(message.data)]) },
    batchHandlers: batched
      ? {
          [BENCH_ITEM]: async (messages, { db }) =>
            upsert(db, mergedByAggregate(messages.map((m) => m.data))),
        }
      : {},
  });
}

const countOf = (item: BenchItem): ItemCountRow => ({
  aggregate_id: item.aggregateId,
  items: 1,
  last_version: item.version,
});

/** One row per aggregate: a multi-row upsert may not update a row twice. */
function mergedByAggregate(items: readonly BenchItem[]): ItemCountRow[] {
  const rows = new Map<string, ItemCountRow>();
  for (const item of items) {
    const row = rows.get(item.aggregateId);
    rows.set(
      item.aggregateId,
      row ? { ...row, items: row.items + 1, last_version: item.version } : countOf(item),
    );
  }
  return [...rows.values()];
}

async function upsert(db: QueryCreator<ItemCountsTables>, rows: ItemCountRow[]): Promise<void> {
  await db
    .insertInto('item_counts')
    .values(rows)
    .onConflict((oc) =>
      oc.column('aggregate_id').doUpdateSet((eb) => ({
        items: eb('item_counts.items', '+', eb.ref('excluded.items')),
        last_version: eb.ref('excluded.last_version'),
      })),
    )
    .execute();
}

/**
 * rebuildProjection filling a new generation from a topic of 100,000 messages (the figure is its
 * own elapsed time: generation set-up, group join, the replay and the switch) vs raw kafkajs
 * `eachBatch` reading the same topic from a fresh group: once with a batch handler (the target's
 * row), once with a handler per message (what a projection without one gets).
 */
export async function rebuildScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const count = sized(ctx, 100_000, 2_000);
  return inInfraWorld(ctx, 'rebuild', async (world, progress) => {
    const raw = await filledTopicBaseline(world, count, 100, progress);
    const rebuild = async (batched: boolean): Promise<ResultRow> => {
      const label = batched ? 'rebuild' : 'rebuild per message';
      const { value: result, report } = await ctx.phase(label, { self: true }, () =>
        rebuildProjection({
          db: world.db,
          kafka: world.kafka,
          codec: world.codec,
          definition: itemCounts(world.topic, batched),
          onProgress: (p) =>
            progress.update(`${label} applied ${formatCount(p.applied)}/${formatCount(count)}`),
        }),
      );
      progress.done();
      if (result.applied !== count)
        throw new Error(`the ${label} applied ${result.applied} of ${count} messages`);
      return rateRow({
        name: label,
        scenario: 'rebuild',
        count: result.applied,
        elapsedMs: result.elapsedMs,
        figure: {
          unit: 'msg/s',
          what: batched
            ? `rebuildProjection of ${formatCount(count)} messages, a batch handler: one upsert per run`
            : `rebuildProjection of ${formatCount(count)} messages, a handler per message: one upsert each`,
        },
        baseline: rawConsumeBaseline(count, raw),
        targets: batched
          ? [
              { on: 'figure', atLeast: 20_000 },
              { on: 'ratio', atLeast: 0.3 },
            ]
          : [],
        details: {
          messages: count,
          rebuildMs: result.elapsedMs,
          rawMs: raw.elapsedMs,
          rawFirstMessageMs: raw.firstMessageMs,
        },
        phase: report,
      });
    };
    return [await rebuild(true), await rebuild(false)];
  });
}
