import { fileURLToPath } from 'node:url';
import { uniqueName } from '@conveyor/infra-local/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEffectsTable, type EffectsDatabase, itemMessage, produce } from './support/consumer-kit.ts';
import { eventually, startFixture, type TestProcess } from './support/processes.ts';
import { createEventsWorld, type EventsWorld, testSchemasDir } from './support/world.ts';

const consumerFixture = fileURLToPath(new URL('./fixtures/consumer-process.ts', import.meta.url));
const PARTITIONS = 4;

/**
 * Two replicas of one consumer (one group, one database): when one goes, the other takes its
 * partitions over — at once when it stops cleanly (it leaves the group), within the session
 * timeout (GROUP_MEMBERSHIP: 6 s) and a rebalance when it is killed.
 */
describe('two replicas of a consumer', () => {
  let world: EventsWorld;
  let db: Kysely<EffectsDatabase>;
  const groupId = uniqueName('replicas');
  const processes: TestProcess[] = [];
  let probes = 0;

  beforeAll(async () => {
    world = await createEventsWorld({ partitions: PARTITIONS });
    db = world.db as unknown as Kysely<EffectsDatabase>;
    await createEffectsTable(world);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await world?.close();
  });

  async function startReplica(): Promise<TestProcess> {
    const replica = startFixture(consumerFixture, {
      DATABASE_URL: world.database.url,
      KAFKA_BROKERS: world.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: world.infra.schemaRegistryUrl,
      SCHEMAS_DIR: testSchemasDir,
      TOPIC: world.topic,
      GROUP_ID: groupId,
      HANDLER_DELAY_MS: '0',
    });
    processes.push(replica);
    await eventually('the replica to start', async () =>
      replica.events.some((e) => e.event === 'started') ? true : undefined,
    );
    return replica;
  }

  async function stableMembers(): Promise<number> {
    const admin = world.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return group?.state === 'Stable' ? group.members.length : 0;
    } finally {
      await admin.disconnect();
    }
  }

  /** One message to each partition; resolves with the milliseconds until all are applied. */
  async function probeEveryPartition(): Promise<number> {
    const ids: string[] = [];
    const messages = [];
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const id = `probe-${++probes}`;
      ids.push(id);
      const item = { aggregateId: id, version: 1, note: 'probe', poison: false };
      messages.push({ ...(await itemMessage(world, item, id)), partition });
    }
    const began = Date.now();
    await produce(world.kafka, world.topic, messages);
    await eventually(
      'every partition to be consumed',
      async () => {
        const rows = await db
          .selectFrom('effects')
          .select('message_id')
          .where('message_id', 'in', ids)
          .execute();
        return rows.length === ids.length ? true : undefined;
      },
      30_000,
      50,
    );
    return Date.now() - began;
  }

  it('hands a stopped replica’s partitions over at once, and a killed one’s within the session', async () => {
    const a = await startReplica();
    const b = await startReplica();
    await eventually('both replicas in the group', async () =>
      (await stableMembers()) === 2 ? true : undefined,
    );
    await probeEveryPartition();

    expect(await a.kill('SIGTERM')).toBe(0);
    const afterStop = await probeEveryPartition();
    expect(afterStop).toBeLessThan(4_000);

    await startReplica();
    await eventually('two replicas again', async () => ((await stableMembers()) === 2 ? true : undefined));
    await probeEveryPartition();

    await b.kill('SIGKILL');
    const afterKill = await probeEveryPartition();
    // The session (6 s), the survivor hearing of the rebalance (a heartbeat, 1 s) and the rejoin:
    // less than the 10 s session alone that the services had before.
    expect(afterKill).toBeLessThan(10_000);

    const rows = await db.selectFrom('effects').select('message_id').execute();
    expect(rows.length).toBe(new Set(rows.map((r) => r.message_id)).size);
  });
});
