import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@conveyor/events';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { Kafka, logLevel } from 'kafkajs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type OrdersService, startOrdersService } from '../src/service.ts';

/** The whole orders service as main.ts starts it, through the shared bootstrap. */
describe('startOrdersService', () => {
  const infra = inject('infra');
  let database: TestDatabase;
  let service: OrdersService | undefined;
  const kafka = new Kafka({
    clientId: 'orders-service-test',
    brokers: infra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();

  const config = (overrides: Record<string, string> = {}) =>
    loadConfig({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      LOG_LEVEL: 'silent',
      ...overrides,
    });

  /** Connections the service holds on its database (application_name is the service's name). */
  const connections = async () => {
    const db = createDatabase({ url: database.url, maxConnections: 1 });
    try {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = ${database.name} AND application_name = 'orders'`.execute(db);
      return Number(rows[0]?.n);
    } finally {
      await db.destroy();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase(infra.databaseUrl, 'orders_service');
    await admin.connect();
  });
  afterAll(async () => {
    await service?.close().catch(() => undefined);
    await admin.disconnect();
    await database?.drop();
  });

  it('is ready, serves the shared metrics, runs every consumer group under the namespace, and leaves the groups on stop', async () => {
    const namespace = uniqueName('orders-svc');
    service = await startOrdersService(config({ CONVEYOR_TOPIC_NAMESPACE: namespace }));

    const ready = await service.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { database: { status: 'up' }, kafka: { status: 'up' } } });
    const metrics = (await service.app.inject('/metrics')).body;
    expect(metrics).toMatch(/^outbox_backlog_messages\{service="orders"\} 0$/m);
    expect(metrics).toMatch(/^outbox_oldest_age_seconds\{service="orders"\} 0$/m);
    expect(metrics).toContain('saga_instances{');
    expect(metrics).toMatch(
      /^consumer_lag_messages\{group="[^"]+orders-saga-orchestrator",topic="[^"]+",service="orders"\} \d+$/m,
    );

    const groups = [
      `${namespace}.conveyor-projection.orders.order-details.g1.served`,
      `${namespace}.orders-users`,
      `${namespace}.orders-participant`,
      `${namespace}.orders-saga-orchestrator`,
    ];
    const described = async () =>
      (await admin.describeGroups(groups)).groups.map((g) => [g.groupId, g.state]);
    expect(await described()).toEqual(groups.map((g) => [g, 'Stable']));

    await service.close();
    service = undefined;
    // Drained: every consumer left its group (no session to wait out) and the pool is closed.
    expect(await described()).toEqual(groups.map((g) => [g, 'Empty']));
    expect(await connections()).toBe(0);
  });

  it('stops what it had started and closes its pool when a step of the start fails', async () => {
    // The schema registry is asked after the migrations and the topics: those ran, then it fails.
    const failing = startOrdersService(
      config({
        CONVEYOR_TOPIC_NAMESPACE: uniqueName('orders-fail'),
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
      }),
    );
    await expect(failing).rejects.toThrow();
    expect(await connections()).toBe(0);
  });

  it.each([
    [
      'LOG_LEVEL',
      'nonsense',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "nonsense"',
    ],
    [
      'ORDERS_SAGA_STEP_DEADLINE_MS',
      'abc',
      'ORDERS_SAGA_STEP_DEADLINE_MS must be a whole number of milliseconds from 1 to 31536000000; got "abc"',
    ],
  ])('main.ts exits 1 on a bad %s with one line naming it', async (name, value, message) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/orders/src/main.ts'], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: 'postgres://127.0.0.1:1/none',
        KAFKA_BROKERS: '127.0.0.1:1',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
        [name]: value,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output.trim()).toBe(`orders: ${message}`);
  });
});
