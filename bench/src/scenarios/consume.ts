import { ConsumerRunner, type EventsDatabase, type IncomingMessage } from '@conveyor/events';
import { uniqueName } from '@conveyor/infra-local/testing';
import { type Generated, type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { type BenchContext, sized } from '../context.ts';
import { BENCH_ITEM, BENCH_PARTITIONS, type BenchItem } from '../infra-world.ts';
import { formatCount } from '../measure/progress.ts';
import { type ResultRow, rateRow } from '../scenario.ts';
import { filledTopicBaseline, inInfraWorld, rawConsumeBaseline, untilCounted } from './infra-scenario.ts';

interface EffectsDatabase extends EventsDatabase {
  bench_effects: { seq: Generated<string>; message_id: string; aggregate_id: string; version: number };
}

type BenchMessages = { [BENCH_ITEM]: BenchItem };
type BenchEffect = Insertable<EffectsDatabase['bench_effects']>;

const effectOf = (message: IncomingMessage<typeof BENCH_ITEM, BenchItem>): BenchEffect => ({
  message_id: message.messageId,
  aggregate_id: message.data.aggregateId,
  version: message.data.version,
});

/**
 * The idempotent consumer (a batch of a partition's messages: their inbox rows and one effect row
 * each in one transaction, offsets committed after) vs raw kafkajs `eachBatch` reading the same
 * topic. Both from a fresh group, timed from the start of consumption (the group join included)
 * to the last message: once with a batch handler (the target's row: the batch's effect rows in one
 * statement), once with a handler per message (one statement each).
 */
export async function consumeScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const count = sized(ctx, 20_000, 1_000);
  return inInfraWorld(ctx, 'consume', async (world, progress) => {
    const raw = await filledTopicBaseline(world, count, 300, progress);

    const db = world.db as unknown as Kysely<EffectsDatabase>;
    await sql`CREATE TABLE bench_effects (
      seq bigserial PRIMARY KEY, message_id text NOT NULL, aggregate_id text NOT NULL, version int NOT NULL
    )`.execute(db);
    const consume = async (batched: boolean): Promise<ResultRow> => {
      const label = batched ? 'consume' : 'consume per message';
      await sql`TRUNCATE bench_effects`.execute(db);
      let applied = 0;
      let firstAt = 0;
      const write = async (trx: Transaction<EffectsDatabase>, effects: BenchEffect[]) => {
        if (firstAt === 0) firstAt = Date.now();
        await trx.insertInto('bench_effects').values(effects).execute();
        applied += effects.length;
      };
      const runner = new ConsumerRunner<EffectsDatabase, BenchMessages>({
        kafka: world.kafka,
        db,
        codec: world.codec,
        name: uniqueName(batched ? 'bench-consumer-batched' : 'bench-consumer'),
        topics: [world.topic],
        // Set as a consumer of independent effects would be: its effects share no rows across
        // partitions (so its three partitions go at once) and hold no lock others wait for (so a
        // transaction may take 500 messages instead of 100).
        ...(batched ? { partitionsConsumedConcurrently: BENCH_PARTITIONS, batchSize: 500 } : {}),
        handlers: batched ? {} : { [BENCH_ITEM]: (message, trx) => write(trx, [effectOf(message)]) },
        batchHandlers: batched ? { [BENCH_ITEM]: (messages, trx) => write(trx, messages.map(effectOf)) } : {},
      });
      const { report } = await ctx.phase(label, { self: true }, async () => {
        await runner.start();
        await untilCounted(progress, `${label} applied`, () => applied, count);
      });
      const began = Date.now() - report.elapsedMs;
      await runner.stop();
      progress.done();
      const effects = await db
        .selectFrom('bench_effects')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(effects.n) !== count)
        throw new Error(`${label}: ${effects.n} effects for ${count} messages`);
      return rateRow({
        name: label,
        scenario: 'consume',
        count,
        elapsedMs: report.elapsedMs,
        figure: {
          unit: 'msg/s',
          what: batched
            ? `ConsumerRunner, inbox rows + a batch handler's effect rows, batches of 500, partitions at once, ${formatCount(count)} messages`
            : `ConsumerRunner, inbox row + 1 effect row per message, ${formatCount(count)} messages`,
        },
        baseline: rawConsumeBaseline(count, raw),
        targets: batched ? [{ on: 'ratio', atLeast: 0.3 }] : [],
        details: {
          messages: count,
          consumerMs: report.elapsedMs,
          consumerFirstMessageMs: firstAt - began,
          rawMs: raw.elapsedMs,
          rawFirstMessageMs: raw.firstMessageMs,
        },
        phase: report,
      });
    };
    return [await consume(true), await consume(false)];
  });
}
