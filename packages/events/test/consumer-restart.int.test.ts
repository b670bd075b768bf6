import { fileURLToPath } from 'node:url';
import { uniqueName } from '@conveyor/infra-local/testing';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEffectsTable,
  type EffectsDatabase,
  type ItemAdded,
  itemMessage,
  produce,
} from './support/consumer-kit.ts';
import { eventually, startFixture, type TestProcess } from './support/processes.ts';
import { createEventsWorld, type EventsWorld, testSchemasDir } from './support/world.ts';

const consumerFixture = fileURLToPath(new URL('./fixtures/consumer-process.ts', import.meta.url));

describe('consumer runner in its own process', () => {
  const processes: TestProcess[] = [];
  const worlds: EventsWorld[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')));
    await Promise.all(worlds.splice(0).map((w) => w.close()));
  });

  async function setup(partitions?: number) {
    const world = await createEventsWorld(partitions ? { partitions } : {});
    worlds.push(world);
    await createEffectsTable(world);
    return { world, db: world.db as unknown as Kysely<EffectsDatabase>, groupId: uniqueName('effects') };
  }

  /** Produces `perAggregate` versions for each of `aggregates` keys, in version order per key. */
  async function produceItems(world: EventsWorld, aggregates: number, perAggregate: number) {
    const messages = [];
    for (let version = 1; version <= perAggregate; version++) {
      for (let a = 0; a < aggregates; a++) {
        const item: ItemAdded = { aggregateId: `agg-${a}`, version, note: `v${version}`, poison: false };
        messages.push(await itemMessage(world, item, `agg-${a}-v${version}`));
      }
    }
    await produce(world.kafka, world.topic, messages);
    return messages.map((m) => m.headers?.['message-id'] as string);
  }

  function startConsumer(
    world: EventsWorld,
    groupId: string,
    delayMs: number,
    extraEnv: NodeJS.ProcessEnv = {},
  ): TestProcess {
    const consumer = startFixture(consumerFixture, {
      DATABASE_URL: world.database.url,
      KAFKA_BROKERS: world.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: world.infra.schemaRegistryUrl,
      SCHEMAS_DIR: testSchemasDir,
      TOPIC: world.topic,
      GROUP_ID: groupId,
      HANDLER_DELAY_MS: String(delayMs),
      ...extraEnv,
    });
    processes.push(consumer);
    return consumer;
  }

  const countEffects = async (db: Kysely<EffectsDatabase>) =>
    Number(
      (
        await db
          .selectFrom('effects')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Sum over partitions of the group's committed offsets: how many messages Kafka counts as done. */
  async function committedCount(world: EventsWorld, groupId: string): Promise<number> {
    const admin = world.kafka.admin();
    await admin.connect();
    try {
      const [group] = await admin.fetchOffsets({ groupId, topics: [world.topic] });
      return (group?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits for as many effects as messages, then checks each applied once and in order per key. */
  async function expectEveryEffectOnceInOrder(db: Kysely<EffectsDatabase>, ids: string[]) {
    await eventually(
      'every effect',
      async () => ((await countEffects(db)) >= ids.length ? true : undefined),
      30_000,
      50,
    );
    await expectEachAppliedOnceInOrder(db, ids);
  }

  async function expectEachAppliedOnceInOrder(db: Kysely<EffectsDatabase>, ids: string[]) {
    const rows = await db
      .selectFrom('effects')
      .select(['message_id', 'aggregate_id', 'version'])
      .orderBy('seq')
      .execute();
    const perId = new Map<string, number>();
    for (const row of rows) perId.set(row.message_id, (perId.get(row.message_id) ?? 0) + 1);
    expect([...perId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...perId.keys()].sort()).toEqual([...ids].sort());
    const versions = new Map<string, number[]>();
    for (const row of rows)
      versions.set(row.aggregate_id, [...(versions.get(row.aggregate_id) ?? []), row.version]);
    for (const [aggregate, applied] of versions) {
      expect(applied, aggregate).toEqual(applied.map((_, i) => i + 1));
    }
  }

  it('a batch that outlasts the group session keeps the partition: it heartbeats between its effects', async () => {
    const { world, db, groupId } = await setup(1);
    const ids = await produceItems(world, 1, 10);
    // One transaction of 10 messages at 800 ms a handler: 8 s, past the 6 s session.
    const consumer = startConsumer(world, groupId, 800, { BATCH_SIZE: '10' });
    await expectEveryEffectOnceInOrder(db, ids);
    await eventually('the batch committed in Kafka', async () =>
      (await committedCount(world, groupId)) === ids.length ? true : undefined,
    );
    // Evicted mid-batch, the member's next heartbeat and its offset commit would be refused.
    expect(consumer.output()).not.toMatch(/not aware of this member/);
  });

  it('a consumer killed mid-batch and restarted loses no effect and doubles none', async () => {
    const { world, db, groupId } = await setup();
    const ids = await produceItems(world, 10, 30);

    const first = startConsumer(world, groupId, 5);
    await eventually(
      'a third of the effects',
      async () => ((await countEffects(db)) >= 100 ? true : undefined),
      30_000,
      10,
    );
    await first.kill('SIGKILL');

    const appliedBeforeKill = await countEffects(db);
    expect(appliedBeforeKill).toBeLessThan(ids.length);
    // Offsets are committed per batch: the restarted consumer is handed messages it already applied.
    expect(await committedCount(world, groupId)).toBeLessThan(appliedBeforeKill);

    startConsumer(world, groupId, 5);
    await expectEveryEffectOnceInOrder(db, ids);
  });

  it('a consumer sent SIGTERM finishes the message in flight, commits what it applied and exits', async () => {
    const { world, db, groupId } = await setup();
    const ids = await produceItems(world, 4, 25);

    const first = startConsumer(world, groupId, 20);
    await eventually(
      'some effects',
      async () => ((await countEffects(db)) >= 20 ? true : undefined),
      30_000,
      10,
    );
    const stoppedAt = Date.now();
    expect(await first.kill('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(first.events.some((e) => e.event === 'stopped')).toBe(true);

    const applied = await countEffects(db);
    expect(applied).toBeLessThan(ids.length);
    expect(await committedCount(world, groupId)).toBe(applied);

    startConsumer(world, groupId, 0);
    await expectEveryEffectOnceInOrder(db, ids);
  });

  it.each([
    { handlers: 'a handler per message', extra: {} },
    { handlers: 'a batch handler (its run written in one statement)', extra: { BATCH_HANDLER: '1' } },
  ])(
    'a consumer ($handlers) killed inside a batch transaction commits none of that batch, and restarted applies each once',
    async ({ extra }) => {
      const { world, db, groupId } = await setup(1);
      const ids = await produceItems(world, 4, 10);

      // Batches of 10 messages, 100 ms a handler: a batch transaction stays open for a second.
      const first = startConsumer(world, groupId, 100, { BATCH_SIZE: '10', REPORT_APPLYING: '1', ...extra });
      const applying = () => first.events.filter((e) => e.event === 'applying').length;
      // The 15th handler run is the 5th of the second batch: the first batch committed, the second is open.
      await eventually(
        'a handler inside the second batch',
        () => (applying() >= 15 ? true : undefined),
        30_000,
        5,
      );
      await first.kill('SIGKILL');

      // Only the first batch committed; the second one's writes (5 of them were made) are gone.
      expect(await countEffects(db)).toBe(10);
      const inbox = await world.db.selectFrom('inbox').select('message_id').execute();
      expect(inbox).toHaveLength(10);

      startConsumer(world, groupId, 0, { BATCH_SIZE: '10', ...extra });
      await expectEveryEffectOnceInOrder(db, ids);
    },
  );
});
