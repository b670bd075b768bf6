import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { bearer } from '@conveyor/http/testing';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDeps, type Deps } from '../src/deps.ts';
import {
  chargeData,
  eventually,
  quietLogger,
  repoRoot,
  sagaCommand,
  testConfig,
} from './support/payments-world.ts';

const MAIN = 'services/payments/src/main.ts';

interface Child {
  process: ChildProcess;
  output: () => string;
  /** stdout lines that are JSON (the pino logs). */
  logs: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

function startMain(env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const logs = () =>
    stdout.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return {
    process: child,
    output: () => `${stdout}${stderr}`,
    logs,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** main.ts as its own process, the way an e2e harness or `npm start` runs it. */
describe('payments main', () => {
  const infra = inject('infra');
  let database: TestDatabase;
  let child: Child | undefined;
  let client: Deps;
  beforeAll(async () => {
    database = await createTestDatabase(infra.databaseUrl, 'payments_main');
  });
  afterAll(async () => {
    if (child?.process.exitCode === null) child.process.kill('SIGKILL');
    await client?.db.destroy();
    await database?.drop();
  });

  it('serves, charges from Kafka, and on SIGTERM drains and exits 0', async () => {
    const port = await freePort();
    const namespace = uniqueName('paymain');
    child = startMain({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      CONVEYOR_TOPIC_NAMESPACE: namespace,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      PAYMENTS_USER_LIMIT_CENTS: '5000',
      // The development secret, which bearer() signs with, whatever the runner has.
      JWT_SECRET: '',
    });
    const base = `http://127.0.0.1:${port}`;
    const running = child;
    await eventually(
      'GET /ready/messaging to answer 200 (its participant runs)',
      async () => {
        if (running.process.exitCode !== null) throw new Error(`exited: ${running.output()}`);
        return (await fetch(`${base}/ready/messaging`)).status === 200;
      },
      25_000,
      100,
    );

    const admin = bearer('ops-1', ['user', 'admin']);
    expect((await fetch(`${base}/payments`)).status).toBe(401);
    const empty = await fetch(`${base}/payments`, {
      headers: { ...admin, 'x-correlation-id': 'main-test-1' },
    });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ items: [], page: 1, limit: 20, total: 0 });

    // A command over Kafka reaches the process's participant; the charge shows over HTTP.
    client = createDeps(testConfig(infra, database.url, { topicNamespace: namespace }), {
      logger: quietLogger(),
    });
    const approved = chargeData({ amountCents: 5_000 });
    const overLimit = chargeData({ amountCents: 5_001 });
    const producer = client.kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic: client.topics.paymentsCommands,
      acks: -1,
      messages: [
        await sagaCommand(client, 'payments.charge', approved),
        await sagaCommand(client, 'payments.charge', overLimit),
      ],
    });
    await producer.disconnect();
    const listed = await eventually('the charge to be listed', async () => {
      const body = (await (
        await fetch(`${base}/payments?orderId=${approved.orderId}`, { headers: admin })
      ).json()) as {
        items: { id: string; status: string; amountCents: number }[];
      };
      return body.items.length === 1 ? body.items : undefined;
    });
    expect(listed[0]).toMatchObject({ status: 'charged', amountCents: 5_000 });
    const own = `${base}/payments/${listed[0]?.id}`;
    expect((await fetch(own, { headers: bearer(approved.userId) })).status).toBe(200);
    expect((await fetch(own, { headers: bearer(overLimit.userId) })).status).toBe(404);
    await eventually('the over-limit charge to be declined', async () =>
      (await fetch(`${base}/metrics`).then((r) => r.text())).includes(
        'payments_declined_total{service="payments"} 1',
      ),
    );

    running.process.kill('SIGTERM');
    expect(await running.exited, running.output()).toBe(0);
    const logs = running.logs();
    expect(
      logs.find((l) => l.correlationId === 'main-test-1' && l.msg === 'request completed'),
    ).toBeDefined();
    // The participant's lines carry the saga's correlation id too.
    expect(logs.find((l) => l.msg === 'payment charged' && l.orderId === approved.orderId)).toMatchObject({
      correlationId: expect.stringMatching(/^corr-/),
    });
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['listening', 'shutting down', 'consumer stopped', 'stopped']),
    );
    expect(logs.every((l) => l.service === 'payments')).toBe(true);
  }, 45_000);

  it('serves while Kafka cannot be reached, and joins the message flow once it can', async () => {
    // The broker is reached through a port that refuses until the test opens it; the metadata
    // then points kafkajs at the broker itself.
    const [brokerHost, brokerPort] = (infra.kafkaBrokers[0] as string).split(':');
    const proxyPort = await freePort();
    const proxy = createServer((socket) => {
      const upstream = connect(Number(brokerPort), brokerHost);
      socket.pipe(upstream).pipe(socket);
      const end = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', end);
      upstream.on('error', end);
    });
    const port = await freePort();
    const namespace = uniqueName('paykafkaless');
    const kafkaless = startMain({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: `127.0.0.1:${proxyPort}`,
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      CONVEYOR_TOPIC_NAMESPACE: namespace,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      JWT_SECRET: '',
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      const ready = await eventually(
        'GET /ready to answer 200 without Kafka',
        async () => {
          if (kafkaless.process.exitCode !== null) throw new Error(`exited: ${kafkaless.output()}`);
          const response = await fetch(`${base}/ready`).catch(() => undefined);
          return response?.status === 200 ? await response.json() : undefined;
        },
        25_000,
        100,
      );
      expect(ready).toMatchObject({ checks: { database: { status: 'up' }, kafka: { status: 'down' } } });
      const admin = bearer('ops-2', ['user', 'admin']);
      expect((await fetch(`${base}/payments`, { headers: admin })).status).toBe(200);
      const messaging = await fetch(`${base}/ready/messaging`);
      expect(messaging.status).toBe(503);
      expect(await messaging.json()).toEqual({ status: 'starting' });

      await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
      await eventually(
        'GET /ready/messaging to answer 200 once Kafka is reachable',
        async () => {
          if (kafkaless.process.exitCode !== null) throw new Error(`exited: ${kafkaless.output()}`);
          return (await fetch(`${base}/ready/messaging`)).status === 200;
        },
        40_000,
        200,
      );
      // It listened first; its participant joined its group once the broker could be reached.
      const order = kafkaless.logs().map((l) => l.msg);
      expect(order.indexOf('listening')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('consumer started')).toBeGreaterThan(order.indexOf('listening'));
      kafkaless.process.kill('SIGTERM');
      expect(await kafkaless.exited, kafkaless.output()).toBe(0);
    } finally {
      if (kafkaless.process.exitCode === null) kafkaless.process.kill('SIGKILL');
      await new Promise((resolve) => proxy.close(resolve));
    }
  }, 90_000);

  it('refuses a bad PAYMENTS_USER_LIMIT_CENTS with exit 1 and one line naming it', async () => {
    const bad = startMain({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      PAYMENTS_USER_LIMIT_CENTS: 'abc',
    });
    expect(await bad.exited).toBe(1);
    const lines = bad.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PAYMENTS_USER_LIMIT_CENTS');
    expect(lines[0]).toContain('"abc"');
  });

  it.each([
    ['on a non-loopback HOST', { HOST: '0.0.0.0' }],
    ['with NODE_ENV=production', { NODE_ENV: 'production' }],
  ])('refuses the development secret %s: exit 1, one line naming JWT_SECRET', async (_case, overrides) => {
    const bad = startMain({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      JWT_SECRET: '',
      ...overrides,
    });
    expect(await bad.exited).toBe(1);
    expect(bad.output().trim().split('\n')).toEqual([
      expect.stringMatching(/^payments: JWT_SECRET is required \(a secret of your own when /),
    ]);
  });
});
