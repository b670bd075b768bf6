import { randomUUID } from 'node:crypto';
import { uniqueName } from '@conveyor/infra-local/testing';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  createConsumerRunner,
  deadLetterTopic,
  type IncomingMessage,
  redriveDeadLetters,
} from '../src/index.ts';
import {
  createEffectsTable,
  type EffectsDatabase,
  type ItemAdded,
  itemMessage,
  produce,
  readTopic,
  runDlqCli,
} from './support/consumer-kit.ts';
import { eventually } from './support/processes.ts';
import { createEventsWorld, type EventsWorld } from './support/world.ts';

const item = (aggregateId: string, version: number, poison = false): ItemAdded => ({
  aggregateId,
  version,
  note: `v${version}`,
  poison,
});

describe('consumer runner', () => {
  const stoppers: Array<() => Promise<unknown>> = [];
  const worlds: EventsWorld[] = [];
  afterEach(async () => {
    // Clients first, all at once (each may wait for a fetch in flight), then the worlds they use.
    await Promise.all(stoppers.splice(0).map((stop) => stop().catch(() => undefined)));
    await Promise.all(worlds.splice(0).map((world) => world.close()));
  });

  async function setup() {
    const world = await createEventsWorld();
    worlds.push(world);
    await createEffectsTable(world);
    return { world, db: world.db as unknown as Kysely<EffectsDatabase> };
  }

  async function startRunner(world: EventsWorld, options: Partial<ConsumerRunnerOptions<EffectsDatabase>>) {
    const runner: ConsumerRunner<EffectsDatabase> = createConsumerRunner<EffectsDatabase>({
      kafka: world.kafka,
      db: world.db as unknown as Kysely<EffectsDatabase>,
      codec: world.codec,
      name: 'test-consumer',
      groupId: uniqueName('consumer-test'),
      topics: [world.topic],
      handlers: {},
      ...options,
    });
    await runner.start();
    stoppers.push(() => runner.stop());
    return runner;
  }

  async function collect(world: EventsWorld, topic: string) {
    const collector = await readTopic(world.kafka, topic);
    stoppers.push(() => collector.stop());
    return collector.received;
  }

  const effectIds = async (db: Kysely<EffectsDatabase>) =>
    (await db.selectFrom('effects').select('message_id').orderBy('seq').execute()).map((r) => r.message_id);

  it('a poison message goes to the DLQ after the configured attempts and later messages on its partition are still processed', async () => {
    const { world, db } = await setup();
    const ids = [1, 2, 3, 4, 5].map((v) => `item-${v}-${randomUUID()}`);
    const poisonId = ids[2] as string;
    const messages = await Promise.all(
      ids.map((id, i) => itemMessage(world, item('agg-1', i + 1, i === 2), id)),
    );
    const [produced] = await produce(world.kafka, world.topic, messages);
    const partition = produced?.partition as number;
    const poisonOffset = (BigInt(produced?.baseOffset as string) + 2n).toString();

    const calls = new Map<string, number>();
    const seen: IncomingMessage[] = [];
    let fixed = false;
    await startRunner(world, {
      name: 'poison-test',
      retry: { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
      handlers: {
        'test.item-added': async (message, trx) => {
          calls.set(message.messageId, (calls.get(message.messageId) ?? 0) + 1);
          seen.push(message);
          const data = message.data as ItemAdded;
          if (data.poison && !fixed) throw new Error(`item ${data.version} is poisoned`);
          await trx
            .insertInto('effects')
            .values({ message_id: message.messageId, aggregate_id: data.aggregateId, version: data.version })
            .execute();
        },
      },
    });
    const dlq = await collect(world, deadLetterTopic(world.topic));

    const others = ids.filter((id) => id !== poisonId);
    await eventually('the messages after the poison one to be applied', async () =>
      (await effectIds(db)).length === 4 ? true : undefined,
    );
    expect(await effectIds(db)).toEqual(others);
    const [letter] = await eventually('the dead letter', () => (dlq.length > 0 ? dlq : undefined));
    expect(dlq).toHaveLength(1);
    expect(letter?.key).toBe('agg-1');
    expect(letter?.headers).toMatchObject({
      'message-id': poisonId,
      'message-type': 'test.item-added',
      'correlation-id': `corr-${poisonId}`,
      'dlq-original-topic': world.topic,
      'dlq-original-partition': String(partition),
      'dlq-original-offset': poisonOffset,
      'dlq-consumer': 'poison-test',
      'dlq-attempts': '3',
      'dlq-error': 'item 3 is poisoned',
      'dlq-error-code': 'CONVEYOR_HANDLER_FAILED',
    });
    expect(Date.parse(letter?.headers['dlq-failed-at'] ?? '')).toBeGreaterThan(Date.now() - 60_000);
    // Its try in the batch counts as its first attempt.
    expect(calls.get(poisonId)).toBe(3);
    // The five share a batch: the two before the poison ran again after it rolled back (their first
    // run's effects with it), the two after it once.
    expect(ids.map((id) => calls.get(id))).toEqual([2, 2, 3, 1, 1]);
    // Not recorded in the inbox: the re-driven copy must run.
    const inbox = await world.db.selectFrom('inbox').select('message_id').execute();
    expect(inbox.map((r) => r.message_id).sort()).toEqual([...others].sort());

    fixed = true;
    const redrive = await runDlqCli(['redrive', '--topic', deadLetterTopic(world.topic)], {
      KAFKA_BROKERS: world.infra.kafkaBrokers.join(','),
    });
    expect(redrive.stderr).toBe('');
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toContain(`re-drove 1 dead letter(s) from ${deadLetterTopic(world.topic)}`);

    await eventually('the re-driven message to be applied', async () =>
      (await effectIds(db)).includes(poisonId) ? true : undefined,
    );
    // A second re-drive finds nothing new: the first one committed its group's offsets.
    const again = await redriveDeadLetters({ kafka: world.kafka, topic: deadLetterTopic(world.topic) });
    expect(again.redriven).toBe(0);
    expect(await effectIds(db)).toEqual([...others, poisonId]);
    expect(calls.get(poisonId)).toBe(4);
    const redriven = seen.at(-1);
    expect(redriven?.messageId).toBe(poisonId);
    expect(redriven?.partition).toBe(partition);
    expect(Object.keys(redriven?.headers ?? {}).filter((h) => h.startsWith('dlq-'))).toEqual([]);
  });

  it('the same message produced twice is applied once', async () => {
    const { world, db } = await setup();
    const duplicateId = `dup-${randomUUID()}`;
    const afterId = `after-${randomUUID()}`;
    const duplicate = await itemMessage(world, item('agg-dup', 1), duplicateId);
    await produce(world.kafka, world.topic, [
      duplicate,
      duplicate,
      await itemMessage(world, item('agg-dup', 2), afterId),
    ]);

    const calls: string[] = [];
    await startRunner(world, {
      handlers: {
        'test.item-added': async (message, trx) => {
          calls.push(message.messageId);
          const data = message.data as ItemAdded;
          await trx
            .insertInto('effects')
            .values({ message_id: message.messageId, aggregate_id: data.aggregateId, version: data.version })
            .execute();
        },
      },
    });

    // The later message on the same partition is applied only after both copies were handled.
    await eventually('the message after the duplicates', async () =>
      (await effectIds(db)).includes(afterId) ? true : undefined,
    );
    expect(await effectIds(db)).toEqual([duplicateId, afterId]);
    expect(calls).toEqual([duplicateId, afterId]);
  });

  it('skips types it has no handler for and dead-letters undecodable messages without retrying', async () => {
    const { world, db } = await setup();
    const sentinelId = `sentinel-${randomUUID()}`;
    const headers = (id: string, type?: string) => ({
      'message-id': id,
      ...(type ? { 'message-type': type } : {}),
    });
    await produce(world.kafka, world.topic, [
      { key: 'agg-x', value: Buffer.from('opaque'), headers: headers('other-type', 'test.something-else') },
      { key: 'agg-x', value: Buffer.from('not avro'), headers: headers('garbage', 'test.item-added') },
      { key: 'agg-x', value: Buffer.from('no type'), headers: headers('untyped') },
      await itemMessage(world, item('agg-x', 1), sentinelId),
    ]);
    const calls: string[] = [];
    await startRunner(world, {
      retry: { attempts: 4, initialBackoffMs: 10, maxBackoffMs: 10 },
      handlers: {
        'test.item-added': async (message, trx) => {
          calls.push(message.messageId);
          await trx
            .insertInto('effects')
            .values({ message_id: message.messageId, aggregate_id: 'agg-x', version: 1 })
            .execute();
        },
      },
    });
    const dlq = await collect(world, deadLetterTopic(world.topic));

    await eventually('the sentinel to be applied', async () =>
      (await effectIds(db)).includes(sentinelId) ? true : undefined,
    );
    await eventually('two dead letters', () => (dlq.length >= 2 ? true : undefined));
    expect(calls).toEqual([sentinelId]);
    expect(dlq.map((l) => [l.messageId, l.headers['dlq-attempts'], l.headers['dlq-error-code']])).toEqual([
      ['garbage', '1', 'CONVEYOR_DECODE_FAILED'],
      ['untyped', '1', 'CONVEYOR_DECODE_FAILED'],
    ]);
    expect(dlq[1]?.headers['dlq-error']).toContain('no message-type header');
  });

  it('two batches that lock the same rows in opposite orders both apply, without waiting for the deadlock detector', async () => {
    const { world } = await setup();
    await sql`CREATE TABLE counters (name text PRIMARY KEY, n int NOT NULL)`.execute(world.db);
    await sql`INSERT INTO counters VALUES ('a', 0), ('b', 0)`.execute(world.db);
    // One key: both messages in one partition, so each consumer gets them as one batch.
    await produce(world.kafka, world.topic, [
      await itemMessage(world, item('agg-1', 1), `lock-1-${randomUUID()}`),
      await itemMessage(world, item('agg-1', 2), `lock-2-${randomUUID()}`),
    ]);
    // Each consumer's first message locks its row, and waits until the other's has locked its own;
    // their second messages then want each other's row.
    const arrivals: Array<() => void> = [];
    const bothLocked = Promise.all(
      [0, 1].map((i) => new Promise<void>((resolve) => (arrivals[i] = resolve))),
    ).then(() => Date.now());
    const bump = (name: string) => (trx: Kysely<EffectsDatabase>) =>
      sql`UPDATE counters SET n = n + 1 WHERE name = ${name}`.execute(trx);
    for (const [i, [first, second]] of [
      ['a', 'b'],
      ['b', 'a'],
    ].entries()) {
      await startRunner(world, {
        name: `locker-${i}`,
        groupId: uniqueName(`locker-${i}`),
        handlers: {
          'test.item-added': async (message, trx) => {
            const { version } = message.data as ItemAdded;
            await bump(version === 1 ? (first as string) : (second as string))(trx);
            if (version === 1) {
              arrivals[i]?.();
              await bothLocked;
            }
          },
        },
      });
    }
    const lockedAt = await bothLocked;
    await eventually(
      'both consumers done',
      async () => {
        const rows = await sql<{ n: number }>`SELECT n FROM counters ORDER BY name`.execute(world.db);
        return rows.rows.every((r) => r.n === 2) || undefined;
      },
      20_000,
      10,
    );
    // The deadlock detector would have taken deadlock_timeout (1 s here) to break the cycle.
    expect(Date.now() - lockedAt).toBeLessThan(900);
    const inbox = await world.db.selectFrom('inbox').select('consumer').execute();
    expect(inbox.map((r) => r.consumer).sort()).toEqual(['locker-0', 'locker-0', 'locker-1', 'locker-1']);
  });

  it('a batch whose commit waits past the lock timeout commits as one batch, each handler run once', async () => {
    const { world } = await setup();
    // A lock taken at COMMIT, as Postgres' cluster-wide NOTIFY lock is for a notifying commit: a
    // deferred constraint trigger locks a row that another transaction holds for a while.
    await sql`CREATE TABLE gate (id int PRIMARY KEY)`.execute(world.db);
    await sql`INSERT INTO gate VALUES (1)`.execute(world.db);
    await sql`CREATE TABLE marks (note text NOT NULL)`.execute(world.db);
    await sql`
      CREATE FUNCTION pass_gate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM 1 FROM gate WHERE id = 1 FOR UPDATE; RETURN NULL; END $$`.execute(world.db);
    await sql`
      CREATE CONSTRAINT TRIGGER marks_pass_gate AFTER INSERT ON marks
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pass_gate()`.execute(world.db);
    let releaseGate: () => void = () => undefined;
    const gateHeld = new Promise<void>((held) => {
      void world.db.transaction().execute(async (trx) => {
        await sql`SELECT 1 FROM gate WHERE id = 1 FOR UPDATE`.execute(trx);
        held();
        await new Promise<void>((release) => (releaseGate = release));
      });
    });
    await gateHeld;
    // One key: both messages in one partition, so they arrive as one batch.
    await produce(world.kafka, world.topic, [
      await itemMessage(world, item('agg-1', 1), `gate-1-${randomUUID()}`),
      await itemMessage(world, item('agg-1', 2), `gate-2-${randomUUID()}`),
    ]);
    let runs = 0;
    await startRunner(world, {
      handlers: {
        'test.item-added': async (message, trx) => {
          runs++;
          await sql`INSERT INTO marks VALUES (${(message.data as ItemAdded).note})`.execute(trx);
        },
      },
    });
    await eventually('both handlers ran', async () => runs >= 2 || undefined, 20_000, 10);
    // Past the batch's 100 ms lock timeout, then the gate opens.
    await new Promise((resolve) => setTimeout(resolve, 400));
    releaseGate();
    await eventually(
      'both messages applied',
      async () => {
        const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM marks`.execute(world.db);
        return rows.rows[0]?.n === 2 || undefined;
      },
      20_000,
      10,
    );
    // A commit timed out would have rolled the batch back and run each handler again.
    expect(runs).toBe(2);
  });

  it('a batch handler gets runs of its type in one call, each message once, and a failing call is applied one by one', async () => {
    const { world, db } = await setup();
    const ids = Array.from({ length: 40 }, (_, i) => `batched-${i}-${randomUUID()}`);
    const poisonId = ids[25] as string;
    const duplicate = await itemMessage(world, item('agg-b', 1), ids[0] as string);
    await produce(world.kafka, world.topic, [
      duplicate,
      duplicate,
      ...(await Promise.all(
        ids.slice(1).map((id, i) => itemMessage(world, item('agg-b', i + 2, id === poisonId), id)),
      )),
    ]);
    const calls: string[][] = [];
    await startRunner(world, {
      retry: { attempts: 2, initialBackoffMs: 10, maxBackoffMs: 20 },
      batchHandlers: {
        'test.item-added': async (messages, trx) => {
          calls.push(messages.map((m) => m.messageId));
          if (messages.some((m) => m.messageId === poisonId)) throw new Error('a poisoned item');
          await trx
            .insertInto('effects')
            .values(
              messages.map((m) => {
                const data = m.data as ItemAdded;
                return { message_id: m.messageId, aggregate_id: data.aggregateId, version: data.version };
              }),
            )
            .execute();
        },
      },
    });

    const dlq = await collect(world, deadLetterTopic(world.topic));
    await eventually('every message but the poison one applied', async () =>
      (await effectIds(db)).length === ids.length - 1 ? true : undefined,
    );
    await eventually('the poison one dead-lettered', async () => (dlq.length === 1 ? true : undefined));
    expect(await effectIds(db)).toEqual(ids.filter((id) => id !== poisonId));
    // The first call had the whole fetched batch (the duplicate once); the poison was then tried alone.
    expect(calls[0]).toEqual(ids);
    expect(calls.filter((call) => call.length === 1 && call[0] === poisonId)).toHaveLength(2);
  });
});
