import { AvroCodec, createDatabase, eventsMigrations, MessageCatalog, migrate } from '@conveyor/events';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { schemasDir } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type SagaDatabase, SagaOrchestrator, sagaMigrations } from '../src/index.ts';
import { testSagaDefinition, testSagaSchemasDir } from './support/test-saga.ts';

const SAGAS = 200;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * Two orchestrators, as two replicas of a service would run them: each with its own connection
 * pool on the one database, sharing a clock that the test moves. They never consume replies here:
 * only their sweepers run, so every resend in the outbox is one of theirs.
 */
describe('two orchestrators sweeping one database', () => {
  let database: TestDatabase;
  const pools: Kysely<SagaDatabase>[] = [];
  let replicas: [SagaOrchestrator, SagaOrchestrator];
  const clock = { now: T0 };

  beforeAll(async () => {
    const infra = inject('infra');
    database = await createTestDatabase(infra.databaseUrl, 'saga_sweepers');
    const suffix = uniqueName('sweep');
    const definition = testSagaDefinition({
      alpha: `test.alpha.${suffix}`,
      beta: `test.beta.${suffix}`,
      gamma: `test.gamma.${suffix}`,
    });
    const codec = AvroCodec.connect(
      infra.schemaRegistryUrl,
      MessageCatalog.fromDirectories(schemasDir, testSagaSchemasDir),
    );
    const kafka = new Kafka({
      clientId: 'saga-sweepers-test',
      brokers: infra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const replica = () => {
      const db = createDatabase<SagaDatabase>({ url: database.url, maxConnections: 5 });
      pools.push(db);
      // No jitter: every saga's resend falls due at the same instant, the worst case for two sweepers.
      return new SagaOrchestrator({
        db,
        kafka,
        codec,
        definitions: [definition],
        clock: () => new Date(clock.now),
        random: () => 0.5,
      });
    };
    replicas = [replica(), replica()];
    await migrate(pools[0] as Kysely<unknown>, { ...eventsMigrations, ...sagaMigrations });
    for (let i = 0; i < SAGAS; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          replicas[(i + j) % 2 === 0 ? 0 : 1].start('test-saga', { subject: `s${i + j}`, amount: 1 }),
        ),
      );
    }
  });
  afterAll(async () => {
    for (const pool of pools) await pool.destroy();
    await database?.drop();
  });

  /** Per saga: how many times its first step's command is in the outbox, and its log's command rows. */
  async function sends(): Promise<{ outbox: number[]; logged: number[] }> {
    const db = pools[0] as Kysely<SagaDatabase>;
    const outbox = await db
      .selectFrom('outbox')
      .select(['key', sql<number>`count(*)::int`.as('n')])
      .groupBy('key')
      .execute();
    const logged = await db
      .selectFrom('saga_log')
      .select(['saga_id', sql<number>`count(*)::int`.as('n')])
      .where('action', '=', 'command')
      .groupBy('saga_id')
      .execute();
    return { outbox: outbox.map((row) => row.n), logged: logged.map((row) => row.n) };
  }

  /** What the relay does: the rows it sent are marked published (no relay runs here). */
  async function publishAll(): Promise<void> {
    await (pools[0] as Kysely<SagaDatabase>)
      .updateTable('outbox')
      .set({ published_at: new Date() })
      .where('published_at', 'is', null)
      .execute();
  }

  it('resend each due step once: a saga one sweeper holds is skipped by the other, and is no longer due once it commits', async () => {
    expect(await sends()).toEqual({ outbox: Array(SAGAS).fill(1), logged: Array(SAGAS).fill(1) });

    // Each resend is due at once for every saga: 2 s after the first send, then 4 s after the second.
    for (const [round, waitMs] of [2_000, 4_000].entries()) {
      await publishAll();
      clock.now += waitMs;
      const [first, second] = await Promise.all(replicas.map((replica) => replica.sweepOnce(SAGAS * 2)));
      expect((first ?? 0) + (second ?? 0)).toBe(SAGAS);
      // Both took part: each took rows while the other held some.
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(0);
      const sent = round + 2;
      expect(await sends()).toEqual({ outbox: Array(SAGAS).fill(sent), logged: Array(SAGAS).fill(sent) });
      // Nothing is left due until the next resend.
      expect(await Promise.all(replicas.map((replica) => replica.sweepOnce()))).toEqual([0, 0]);
    }

    // The third resend, 4 s later: one sweeper holds a due saga in an open transaction, as while
    // applying it; the other passes over it instead of waiting, and takes it once it is released.
    await publishAll();
    clock.now += 4_000;
    const [holder, other] = replicas;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held: string | undefined;
    let signalLocked = () => {};
    const locked = new Promise<void>((resolve) => {
      signalLocked = resolve;
    });
    const holding = (pools[0] as Kysely<SagaDatabase>).transaction().execute(async (trx) => {
      held = (await holder.store.lockDue(trx, new Date(clock.now), 1))[0]?.state.id;
      signalLocked();
      await released;
    });
    await Promise.race([locked, holding]);
    expect(held).toBeDefined();
    const blocked = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 10_000));
    expect(await Promise.race([other.sweepOnce(SAGAS * 2), blocked])).toBe(SAGAS - 1);
    release();
    await holding; // committed: the row is free, and still due
    expect(await other.sweepOnce()).toBe(1);
    expect(await sends()).toEqual({ outbox: Array(SAGAS).fill(4), logged: Array(SAGAS).fill(4) });

    const versions = await (pools[1] as Kysely<SagaDatabase>)
      .selectFrom('saga_instances')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('version', '=', 4)
      .executeTakeFirstOrThrow();
    expect(versions.n).toBe(SAGAS);
  });

  it('resends nothing while the last send is still in the outbox, and resends once the relay has sent it', async () => {
    // Past the next resend of every saga (4 s, the cap), well before its deadline (60 s).
    clock.now += 5_000;
    const waited = await Promise.all(replicas.map((replica) => replica.sweepOnce(SAGAS * 2)));
    expect((waited[0] ?? 0) + (waited[1] ?? 0)).toBe(SAGAS);
    expect(await sends()).toEqual({ outbox: Array(SAGAS).fill(4), logged: Array(SAGAS).fill(4) });

    await publishAll();
    clock.now += 5_000;
    const resent = await Promise.all(replicas.map((replica) => replica.sweepOnce(SAGAS * 2)));
    expect((resent[0] ?? 0) + (resent[1] ?? 0)).toBe(SAGAS);
    expect(await sends()).toEqual({ outbox: Array(SAGAS).fill(5), logged: Array(SAGAS).fill(5) });
  });
});
