import { randomUUID } from 'node:crypto';
import { AvroCodec, createDatabase, eventsMigrations, MessageCatalog, migrate } from '@conveyor/events';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { schemasDir } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type SagaDatabase, SagaOrchestrator, sagaMigrations } from '../src/index.ts';
import { testSagaDefinition, testSagaSchemasDir } from './support/test-saga.ts';

const NEW = '0101_conveyor_saga_next_attempt';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A saga that waited for a reply under the old model (a reply deadline, steps without schedules). */
describe('saga migrations on a database with sagas waiting under the old timeouts', () => {
  let database: TestDatabase;
  let db: Kysely<SagaDatabase>;
  let orchestrator: SagaOrchestrator;
  const sagaId = randomUUID();
  const commandId = randomUUID();
  const now = { ms: T0 };

  beforeAll(async () => {
    const infra = inject('infra');
    database = await createTestDatabase(infra.databaseUrl, 'saga_migration');
    db = createDatabase<SagaDatabase>({ url: database.url });
    const previous = Object.fromEntries(Object.entries(sagaMigrations).filter(([name]) => name !== NEW));
    await migrate(db, { ...eventsMigrations, ...previous });
    const pending = { commandId: null, attempts: 0, compensationCommandId: null, compensationAttempts: 0 };
    const steps = [
      {
        name: 'alpha',
        status: 'running',
        ...pending,
        commandId,
        attempts: 2,
        startedAt: new Date(T0 - 4_000).toISOString(),
        error: null,
      },
      { name: 'beta', status: 'pending', ...pending, startedAt: null, error: null },
      { name: 'gamma', status: 'pending', ...pending, startedAt: null, error: null },
    ];
    await sql`INSERT INTO saga_instances (id, type, status, current_step, data, steps, correlation_id, version, deadline)
      VALUES (${sagaId}, 'test-saga', 'running', 0, ${JSON.stringify({ subject: 'old', amount: 1 })},
        ${JSON.stringify(steps)}, ${sagaId}, 2, ${new Date(T0 - 1)})`.execute(db);
    await migrate(db, { ...eventsMigrations, ...sagaMigrations });

    const suffix = uniqueName('migr');
    orchestrator = new SagaOrchestrator({
      db,
      kafka: new Kafka({
        clientId: 'saga-migration-test',
        brokers: infra.kafkaBrokers,
        logLevel: logLevel.NOTHING,
      }),
      codec: AvroCodec.connect(
        infra.schemaRegistryUrl,
        MessageCatalog.fromDirectories(schemasDir, testSagaSchemasDir),
      ),
      definitions: [testSagaDefinition({ alpha: `a.${suffix}`, beta: `b.${suffix}`, gamma: `g.${suffix}` })],
      clock: () => new Date(now.ms),
      random: () => 0.5,
    });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('keeps its overdue reply deadline as its next attempt, resends it with the same id and gives it a deadline from its first send', async () => {
    const before = await orchestrator.store.load(db, sagaId);
    expect(before?.state.nextAttemptAt).toEqual(new Date(T0 - 1));
    expect(before?.state.steps[0]).toMatchObject({ lastSentAt: null, nextSendAt: null, deadline: null });

    expect(await orchestrator.sweepOnce()).toBe(1);

    const after = await orchestrator.store.load(db, sagaId);
    expect(after?.state.steps[0]).toMatchObject({
      status: 'running',
      commandId,
      attempts: 3,
      lastSentAt: new Date(T0).toISOString(),
      nextSendAt: new Date(T0 + 4_000).toISOString(), // the third send waits the test saga's cap
      deadline: new Date(T0 - 4_000 + 60_000).toISOString(),
    });
    const outbox = await db.selectFrom('outbox').select(['message_id', 'message_type']).execute();
    expect(outbox).toEqual([{ message_id: commandId, message_type: 'test.saga-step' }]);
  });
});
