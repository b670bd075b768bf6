import { enqueueMessages, OutboxRelay } from '@conveyor/events';
import { uniqueName } from '@conveyor/infra-local/testing';
import { RELAY_BATCH_SIZE, rawProduce } from '../baselines/raw-kafka.ts';
import { type BenchContext, sized } from '../context.ts';
import { BENCH_ITEM, benchItems, encodeItems } from '../infra-world.ts';
import { formatCount } from '../measure/progress.ts';
import { perSecond } from '../measure/stats.ts';
import { type ResultRow, rateRow } from '../scenario.ts';
import { inInfraWorld, untilCounted } from './infra-scenario.ts';

/**
 * The outbox relay draining a backlog of rows (in id order, encoded through the registry, sent
 * in batches, marked published after the ack) vs the raw kafkajs producer sending the same bytes
 * with the relay's settings.
 */
export async function relayScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const count = sized(ctx, 50_000, 2_000);
  return inInfraWorld(ctx, 'relay', async (world, progress) => {
    const items = benchItems(count, 500);
    progress.update('encoding the baseline messages');
    const raw = await rawProduce(world.kafka, world.topic, await encodeItems(world, items), progress);

    for (let i = 0; i < items.length; i += 1_000) {
      const chunk = items.slice(i, i + 1_000).map((data) => ({
        topic: world.topic,
        key: data.aggregateId,
        type: BENCH_ITEM,
        data,
      }));
      await enqueueMessages(world.db, world.catalog, chunk);
      progress.update(`outbox rows written ${formatCount(i + chunk.length)}/${formatCount(count)}`);
    }

    const relay = new OutboxRelay({
      db: world.db,
      databaseUrl: world.database.url,
      kafka: world.kafka,
      codec: world.codec,
      lockName: uniqueName('bench-relay'),
    });
    const { report } = await ctx.phase('relay', { self: true }, async () => {
      relay.start();
      await untilCounted(progress, 'relay published', () => relay.published, count);
    });
    await relay.stop();
    progress.done();

    return [
      rateRow({
        scenario: 'relay',
        count,
        elapsedMs: report.elapsedMs,
        figure: { unit: 'msg/s', what: `OutboxRelay draining ${formatCount(count)} outbox rows` },
        baseline: {
          value: perSecond(count, raw.elapsedMs),
          unit: 'msg/s',
          what: `kafkajs producer, same bytes: batches of ${RELAY_BATCH_SIZE}, acks -1, idempotent, 1 in flight`,
        },
        targets: [{ on: 'ratio', atLeast: 0.5 }],
        details: { rows: count, relayMs: report.elapsedMs, rawMs: raw.elapsedMs },
        phase: report,
      }),
    ];
  });
}
