import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionHost, rebuildProjection } from '../src/index.ts';
import { itemMessage, produce } from './support/consumer-kit.ts';
import { itemCountsProjection } from './support/item-counts.projection.ts';
import { eventually, startFixture } from './support/processes.ts';
import { createEventsWorld, type EventsWorld, testSchemasDir } from './support/world.ts';

const rebuildFixture = fileURLToPath(new URL('./fixtures/rebuild-process.ts', import.meta.url));

describe('projections with generations, replay and zero-downtime rebuild', () => {
  let world: EventsWorld;
  let produced = 0;
  const expected = new Map<string, number>();
  beforeAll(async () => {
    world = await createEventsWorld({ partitions: 3 });
  });
  afterAll(() => world.close());

  /** Produces `count` items over `aggregates` aggregates and remembers what the read model must hold. */
  async function produceItems(count: number, aggregates = 20): Promise<void> {
    const messages = [];
    for (let i = 0; i < count; i++) {
      const aggregateId = `agg-${(produced + i) % aggregates}`;
      const version = (expected.get(aggregateId) ?? 0) + 1;
      expected.set(aggregateId, version);
      messages.push(
        await itemMessage(world, { aggregateId, version, note: 'n', poison: false }, `m-${produced + i}`),
      );
    }
    produced += count;
    for (let i = 0; i < messages.length; i += 1_000)
      await produce(world.kafka, world.topic, messages.slice(i, i + 1_000));
  }

  const readModel = async () => {
    const { rows } = await sql<{
      aggregate_id: string;
      items: number;
    }>`SELECT aggregate_id, items FROM item_counts ORDER BY aggregate_id`.execute(world.db);
    return new Map(rows.map((r) => [r.aggregate_id, r.items]));
  };
  const total = async () => [...(await readModel()).values()].reduce((a, b) => a + b, 0);
  const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  const definition = () => itemCountsProjection(world.topic);

  it('serves a live read model from the topic, applying each message once', async () => {
    await produceItems(500);
    const host = new ProjectionHost({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: definition(),
    });
    await host.start();
    try {
      await eventually('500 items projected', async () => (await total()) === 500 || undefined, 30_000);
      expect(sorted(await readModel())).toEqual(sorted(expected));
      expect(host.generation).toBe(1);
    } finally {
      await host.stop();
    }
  });

  it('rebuilds while messages keep arriving: queries never see a partial table, and the result equals a recomputation', async () => {
    const host = new ProjectionHost({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: definition(),
    });
    await host.start();
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await produceItems(50);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // A reader that watches the served table during the rebuild: its total may only grow.
    const seen: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        seen.push(await total());
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const result = await rebuildProjection({
        db: world.db,
        kafka: world.kafka,
        codec: world.codec,
        definition: definition(),
      });
      expect(result).toMatchObject({ previousGeneration: 1, generation: 2, resumed: false });
      producing = false;
      await producer;
      await eventually('the host to follow generation 2', async () => host.generation === 2 || undefined);
      await eventually(
        'every produced item projected',
        async () => (await total()) === produced || undefined,
        30_000,
      );
      reading = false;
      await reader;

      expect(sorted(await readModel())).toEqual(sorted(expected));
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
      expect(seen.length).toBeGreaterThan(5);
      const schemas = await sql<{
        n: string;
      }>`SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'proj_test_item_counts_g%'`.execute(
        world.db,
      );
      expect(Number(schemas.rows[0]?.n)).toBe(1); // the old generation was dropped
    } finally {
      producing = false;
      reading = false;
      await host.stop();
    }
  });

  it('gives the same tables when replayed twice in a row', async () => {
    const first = await rebuildProjection({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: definition(),
    });
    const afterFirst = await readModel();
    const second = await rebuildProjection({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: definition(),
    });

    expect(second.generation).toBe(first.generation + 1);
    expect(sorted(await readModel())).toEqual(sorted(afterFirst));
    expect(sorted(afterFirst)).toEqual(sorted(expected));
  });

  // The batch handler's runs commit with their checkpoint, as single messages do: a kill mid-run
  // loses the whole run's transaction, and the resumed rebuild applies it once.
  it.each([
    { handler: 'a handler per message', batched: false },
    { handler: 'a batch handler', batched: true },
  ])(
    'resumes a rebuild ($handler) that was SIGKILLed half way and finishes with the same result',
    async ({ batched }) => {
      await produceItems(20_000, 50);
      const env = {
        DATABASE_URL: world.database.url,
        KAFKA_BROKERS: world.infra.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: world.infra.schemaRegistryUrl,
        SCHEMAS_DIR: testSchemasDir,
        TOPIC: world.topic,
        PROJECTION: 'test.item-counts',
        BATCHED: batched ? '1' : '0',
      };
      const doomed = startFixture(rebuildFixture, env);
      await eventually(
        'the rebuild to be half way',
        () =>
          doomed.events.some((e) => e.event === 'progress' && Number(e.applied) >= produced / 3) || undefined,
        60_000,
        20,
      );
      await doomed.kill('SIGKILL');
      const generations = await world.db
        .selectFrom('projection_generations')
        .selectAll()
        .where('projection', '=', 'test.item-counts')
        .executeTakeFirstOrThrow();
      expect(generations.building_generation).not.toBeNull();

      const again = startFixture(rebuildFixture, env);
      await again.exited;
      const done = again.events.find((e) => e.event === 'done');
      expect(done, again.output()).toMatchObject({
        resumed: true,
        generation: generations.building_generation,
      });
      expect(Number(done?.applied)).toBeLessThan(produced); // it did not start over
      expect(sorted(await readModel())).toEqual(sorted(expected));
    },
  );

  it('rebuilds 100,000 messages with a batch handler', { timeout: 300_000 }, async () => {
    await produceItems(100_000 - produced, 100);
    const result = await rebuildProjection({
      db: world.db,
      kafka: world.kafka,
      codec: world.codec,
      definition: itemCountsProjection(world.topic, 'test.item-counts', { batched: true }),
    });

    expect(result.applied).toBe(100_000);
    expect(sorted(await readModel())).toEqual(sorted(expected));
    const rate = Math.round(result.applied / (result.elapsedMs / 1000));
    console.log(
      `rebuilt ${result.applied} messages in ${(result.elapsedMs / 1000).toFixed(1)} s: ${rate} messages/s`,
    );
  });
});
