import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay, type OutboxRelayOptions, type OutgoingMessage } from '../src/index.ts';
import { collectTopic } from './support/collector.ts';
import { eventually, startFixture, type TestProcess } from './support/processes.ts';
import { createEventsWorld, type EventsWorld, testSchemasDir } from './support/world.ts';

const relayFixture = fileURLToPath(new URL('./fixtures/relay-process.ts', import.meta.url));

describe('outbox relay', () => {
  let world: EventsWorld;
  const processes: TestProcess[] = [];
  beforeAll(async () => {
    world = await createEventsWorld();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')));
  });
  afterAll(() => world.close());

  const message = (aggregateId: string, version: number): OutgoingMessage => ({
    topic: world.topic,
    key: aggregateId,
    type: 'test.item-added',
    data: { aggregateId, version, note: `v${version}`, poison: false },
  });

  async function appendMany(prefix: string, aggregates: number, perAggregate: number): Promise<void> {
    for (let v = 1; v <= perAggregate; v++) {
      for (let a = 0; a < aggregates; a++) {
        const streamId = `${prefix}-${a}`;
        await world.store.append({
          streamId,
          expectedVersion: v - 1,
          events: [{ type: 'ItemAdded', data: { v } }],
          messages: [message(streamId, v)],
        });
      }
    }
  }

  const unpublished = async () =>
    Number(
      (
        await world.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('published_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );

  function startRelay(name: string, extra: NodeJS.ProcessEnv = {}): TestProcess {
    const relay = startFixture(relayFixture, {
      DATABASE_URL: world.database.url,
      KAFKA_BROKERS: world.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: world.infra.schemaRegistryUrl,
      SCHEMAS_DIR: testSchemasDir,
      RELAY_NAME: name,
      ...extra,
    });
    processes.push(relay);
    return relay;
  }
  const isLeader = (p: TestProcess) => p.events.some((e) => e.msg === 'outbox relay is the leader');
  const sentBy = (p: TestProcess) =>
    p.events.filter((e) => e.event === 'sent').reduce((n, e) => n + Number(e.count), 0);

  /** A relay in the test's own process, on the world's database and broker. */
  const inProcessRelay = (options: Partial<OutboxRelayOptions>) =>
    new OutboxRelay({
      db: world.db,
      databaseUrl: world.database.url,
      kafka: world.kafka,
      codec: world.codec,
      ...options,
    });

  it('publishes in id order with headers, marks rows published, reports the backlog and prunes', async () => {
    const collector = await collectTopic(world.kafka, world.topic);
    const relay = inProcessRelay({ retentionMs: 0, pruneIntervalMs: 0, lockName: 'in-process-relay' });
    try {
      await appendMany('order', 3, 4);
      expect(await relay.backlog()).toMatchObject({ count: 12 });
      expect((await relay.backlog()).oldestAgeMs).toBeGreaterThanOrEqual(0);
      const rows = await world.db.selectFrom('outbox').select(['key', 'message_id']).orderBy('id').execute();

      relay.start();
      await eventually('12 deliveries', () => collector.received.length >= 12 || undefined);

      for (let a = 0; a < 3; a++) {
        const key = `order-${a}`;
        const received = collector.received.filter((r) => r.key === key).map((r) => r.messageId);
        expect(received).toEqual(rows.filter((r) => r.key === key).map((r) => r.message_id));
      }
      const first = collector.received[0];
      expect(first?.headers).toMatchObject({ 'message-type': 'test.item-added' });
      expect(first?.headers['correlation-id']).toBe(first?.messageId);
      expect(await relay.backlog()).toEqual({ count: 0, oldestAgeMs: 0 });
      // retention 0: published rows are pruned on the next pass
      await appendMany('late', 1, 1);
      await eventually('published rows pruned', async () => {
        const left = await world.db.selectFrom('outbox').select('id').execute();
        return left.length === 0 || undefined;
      });
    } finally {
      await relay.stop();
      await collector.stop();
    }
  });

  it('publishes each write within a second with a one-minute poll: notified when idle, reading again when busy', async () => {
    const collector = await collectTopic(world.kafka, world.topic);
    const relay = inProcessRelay({ pollIntervalMs: 60_000, lockName: 'notify-relay' });
    const deliveredWithin = async (count: number, ms: number) => {
      const started = Date.now();
      await eventually(`${count} deliveries`, () => collector.received.length >= count || undefined, ms, 5);
      return Date.now() - started;
    };
    try {
      relay.start();
      await eventually('the relay leads', () => relay.isLeader || undefined);
      // Idle writes one at a time: each wakes the relay through its NOTIFY.
      for (let n = 1; n <= 5; n++) {
        await appendMany(`idle-${n}`, 1, 1);
        expect(await deliveredWithin(n, 1_000)).toBeLessThan(1_000);
      }
      // A burst from 8 writers at once: rows committed while the relay is busy (no NOTIFY) and in
      // the moment it goes idle again are all found.
      await Promise.all(Array.from({ length: 8 }, (_, w) => appendMany(`burst-${w}`, 1, 25)));
      await deliveredWithin(5 + 200, 5_000);
      await appendMany('after-burst', 1, 1);
      await deliveredWithin(5 + 200 + 1, 1_000);
      // Marked after Kafka's ack, so possibly just after the delivery.
      await eventually('every row marked published', async () => (await unpublished()) === 0 || undefined);
    } finally {
      await relay.stop();
      await collector.stop();
    }
  });

  it('re-sends a batch whose relay was SIGKILLed after the ack and before marking it', async () => {
    await world.db.deleteFrom('outbox').execute();
    const collector = await collectTopic(world.kafka, world.topic);
    const ours = () => collector.received.filter((r) => r.key.startsWith('crash-'));
    await appendMany('crash', 5, 10);

    const crashing = startRelay('crashing', { RELAY_CRASH_AFTER_SEND: '1' });
    await crashing.exited;
    expect(crashing.child.signalCode).toBe('SIGKILL');
    expect(sentBy(crashing)).toBe(50);
    expect(await unpublished()).toBe(50); // sent, but never marked

    startRelay('survivor');
    await eventually('backlog drained', async () => (await unpublished()) === 0 || undefined);
    await eventually('all re-sent', () => ours().length >= 100 || undefined);

    const delivered = ours();
    expect(delivered).toHaveLength(100); // every message twice...
    expect(new Set(delivered.map((d) => d.messageId)).size).toBe(50); // ...with the same message ids
    await collector.stop();
  });

  it('runs one active relay per database and fails over within 10 s when it is killed', async () => {
    await world.db.deleteFrom('outbox').execute();
    const collector = await collectTopic(world.kafka, world.topic);
    const a = startRelay('a');
    const b = startRelay('b');
    const leader = await eventually('a leader', () => (isLeader(a) ? a : isLeader(b) ? b : undefined));
    const standby = leader === a ? b : a;

    await appendMany('first', 10, 5);
    await eventually('first half published', async () => (await unpublished()) === 0 || undefined);
    // The fixture reports each batch on stdout, which may reach us a moment after the rows are marked.
    await eventually('the leader to report 50 sent', () => sentBy(leader) === 50 || undefined);
    expect(sentBy(standby)).toBe(0);
    expect(isLeader(standby)).toBe(false);

    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    await appendMany('second', 10, 5);
    await eventually('the standby takes over', () => isLeader(standby) || undefined, 10_000, 50);
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    await eventually('second half published', async () => (await unpublished()) === 0 || undefined);
    await eventually('the new leader to report 50 sent', () => sentBy(standby) === 50 || undefined);
    const all = await world.db.selectFrom('outbox').select('message_id').execute();
    expect(all).toHaveLength(100);
    const received = () => new Set(collector.received.map((r) => r.messageId));
    await eventually('nothing lost', () => all.every((row) => received().has(row.message_id)) || undefined);
    await collector.stop();
  });
});
