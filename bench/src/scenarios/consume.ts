import { ConsumerRunner, type EventsDatabase } from '@conveyor/events';
import { uniqueName } from '@conveyor/infra-local/testing';
import { type Generated, type Kysely, sql } from 'kysely';
import { type BenchContext, sized } from '../context.ts';
import { BENCH_ITEM, type BenchItem } from '../infra-world.ts';
import { formatCount } from '../measure/progress.ts';
import { type ResultRow, rateRow } from '../scenario.ts';
import { filledTopicBaseline, inInfraWorld, rawConsumeBaseline, untilCounted } from './infra-scenario.ts';

interface EffectsDatabase extends EventsDatabase {
  bench_effects: { seq: Generated<string>; message_id: string; aggregate_id: string; version: number };
}

/**
 * The idempotent consumer (each message: its inbox row and a one-row effect in one transaction,
 * offsets committed after) vs raw kafkajs `eachBatch` reading the same topic. Both from a fresh
 * group, timed from the start of consumption (the group join included) to the last message.
 */
export async function consumeScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const count = sized(ctx, 20_000, 1_000);
  return inInfraWorld(ctx, 'consume', async (world, progress) => {
    const raw = await filledTopicBaseline(world, count, 300, progress);

    const db = world.db as unknown as Kysely<EffectsDatabase>;
    await sql`CREATE TABLE bench_effects (
      seq bigserial PRIMARY KEY, message_id text NOT NULL, aggregate_id text NOT NULL, version int NOT NULL
    )`.execute(db);
    let applied = 0;
    let firstAt = 0;
    const runner = new ConsumerRunner<EffectsDatabase>({
      kafka: world.kafka,
      db,
      codec: world.codec,
      name: uniqueName('bench-consumer'),
      topics: [world.topic],
      handlers: {
        [BENCH_ITEM]: async (message, trx) => {
          if (firstAt === 0) firstAt = Date.now();
          const item = message.data as BenchItem;
          await trx
            .insertInto('bench_effects')
            .values({ message_id: message.messageId, aggregate_id: item.aggregateId, version: item.version })
            .execute();
          applied++;
        },
      },
    });
    const { report } = await ctx.phase('consume', { self: true }, async () => {
      await runner.start();
      await untilCounted(progress, 'consumer applied', () => applied, count);
    });
    const began = Date.now() - report.elapsedMs;
    await runner.stop();
    progress.done();
    const effects = await db
      .selectFrom('bench_effects')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(effects.n) !== count) throw new Error(`${effects.n} effects for ${count} messages`);

    return [
      rateRow({
        scenario: 'consume',
        count,
        elapsedMs: report.elapsedMs,
        figure: {
          unit: 'msg/s',
          what: `ConsumerRunner, inbox row + 1 effect row per message, ${formatCount(count)} messages`,
        },
        baseline: rawConsumeBaseline(count, raw),
        targets: [{ on: 'ratio', atLeast: 0.3 }],
        details: {
          messages: count,
          consumerMs: report.elapsedMs,
          consumerFirstMessageMs: firstAt - began,
          rawMs: raw.elapsedMs,
          rawFirstMessageMs: raw.firstMessageMs,
        },
        phase: report,
      }),
    ];
  });
}
