import { setTimeout as sleep } from 'node:timers/promises';
import { type ConsumeTiming, rawConsume } from '../baselines/raw-kafka.ts';
import type { BenchContext } from '../context.ts';
import { benchItems, createInfraWorld, encodeItems, fillTopic, type InfraWorld } from '../infra-world.ts';
import { formatCount, type Progress } from '../measure/progress.ts';
import { perSecond } from '../measure/stats.ts';
import type { Measurement, ScenarioName } from '../scenario.ts';

/**
 * Runs a scenario that needs only the infrastructure in a world of its own (database, topic,
 * clients) with its progress line; both are closed however the scenario ends.
 */
export async function inInfraWorld<T>(
  ctx: BenchContext,
  scenario: ScenarioName,
  run: (world: InfraWorld, progress: Progress) => Promise<T>,
  options: { maxConnections?: number } = {},
): Promise<T> {
  const world = await createInfraWorld(ctx.infra, scenario, options);
  const progress = ctx.progress(scenario);
  try {
    return await run(world, progress);
  } finally {
    progress.done();
    await world.close();
  }
}

/**
 * Fills the world's topic with `count` items over `aggregates` keys (setup, not measured) and
 * times raw kafkajs reading them from a fresh group: the baseline of the scenarios that consume.
 */
export async function filledTopicBaseline(
  world: InfraWorld,
  count: number,
  aggregates: number,
  progress: Progress,
): Promise<ConsumeTiming> {
  progress.update('filling the topic');
  await fillTopic(world, await encodeItems(world, benchItems(count, aggregates)));
  return rawConsume(world.kafka, world.topic, count, progress);
}

/** The raw consumer's rate over the same topic, as a baseline. */
export const rawConsumeBaseline = (count: number, raw: ConsumeTiming): Measurement => ({
  value: perSecond(count, raw.elapsedMs),
  unit: 'msg/s',
  what: 'kafkajs eachBatch reading the same topic',
});

/**
 * Waits until `counted()` reaches `total`, showing `what n/total`. Polled, because the counts
 * belong to a runner working on its own (a consumer, the relay) that has no completion to await.
 */
export async function untilCounted(
  progress: Progress,
  what: string,
  counted: () => number,
  total: number,
): Promise<void> {
  while (counted() < total) {
    progress.update(`${what} ${formatCount(counted())}/${formatCount(total)}`);
    await sleep(20);
  }
}
