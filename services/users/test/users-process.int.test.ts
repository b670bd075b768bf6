import { createDatabase } from '@conveyor/events';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UsersDatabase } from '../src/db/tables.ts';
import { freePort, type ServiceProcess, startServiceProcess, waitFor } from './support/service-process.ts';
import { newCaller, newUser, uniqueEmail } from './support/users-world.ts';

describe('the users service as a process (node --import tsx services/users/src/main.ts)', () => {
  const infra = inject('infra');
  let database: TestDatabase;
  let service: ServiceProcess | undefined;
  let db: Kysely<UsersDatabase>;
  beforeAll(async () => {
    database = await createTestDatabase(infra.databaseUrl, 'users_process');
  });
  afterAll(async () => {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    await db?.destroy();
    await database?.drop();
  });

  const environment = (overrides: Record<string, string> = {}) => ({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    CONVEYOR_TOPIC_NAMESPACE: uniqueName('users'),
    HOST: '127.0.0.1',
    ...overrides,
  });

  it('gets ready, serves a user over HTTP, publishes it, and on SIGTERM finishes the request in flight, then exits 0', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    service = startServiceProcess(environment({ PORT: String(port) }));
    const running = service;

    const ready = await waitFor(
      '/ready to answer 200',
      async () => {
        const response = await fetch(`${base}/ready`);
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      },
      25_000,
      running.exited,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${running.output().stdout}\n${running.output().stderr}`);
    });
    expect(ready).toMatchObject({
      status: 'ready',
      checks: { database: { status: 'up' }, kafka: { status: 'up' } },
    });

    const email = uniqueEmail('process');
    const caller = newCaller();
    const anonymous = await fetch(`${base}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(newUser(email)),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const created = await fetch(`${base}/users`, {
      method: 'POST',
      headers: {
        ...caller.headers,
        'content-type': 'application/json',
        'x-correlation-id': 'corr-process-1',
      },
      body: JSON.stringify(newUser(email)),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-correlation-id')).toBe('corr-process-1');
    const user = (await created.json()) as { id: string; email: string };
    expect(user).toMatchObject({ id: caller.id, email });
    const location = `${base}${created.headers.get('location')}`;
    expect((await fetch(location, { headers: caller.headers })).status).toBe(200);
    expect((await fetch(location, { headers: newCaller().headers })).status).toBe(404);
    expect((await fetch(location)).status).toBe(401);

    // The relay in the process publishes the outbox.
    db = createDatabase<UsersDatabase>({ url: database.url, maxConnections: 2 });
    await waitFor(
      'user.created to be published',
      async () => {
        const row = await db
          .selectFrom('outbox')
          .select('published_at')
          .where('key', '=', user.id)
          .executeTakeFirst();
        return row?.published_at ?? undefined;
      },
      15_000,
    );

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^outbox_backlog_messages\{service="users"\} 0$/m);
    expect(metrics).toContain('http_request_duration_seconds_bucket');

    // SIGTERM while a PATCH is in flight: it is held on a row lock (our uncommitted version 2 of
    // its stream) until after the signal, and must still complete before the process exits.
    const streamId = `user-${user.id}`;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const blocker = db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      await sql`insert into events (stream_id, stream_version, type, data)
                values (${streamId}, 2, 'UserUpdated', '{}'::jsonb)`.execute(connection);
      holding();
      await released;
      await sql`rollback`.execute(connection);
    });
    // The PATCH must find version 2 already taken (and wait), not win the race to it.
    await held;
    const patched = fetch(`${base}/users/${user.id}`, {
      method: 'PATCH',
      headers: { ...caller.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { firstName: 'Drained' } }),
    });
    await waitFor(
      'the service to wait on the lock',
      async () => {
        const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
          where datname = ${database.name} and application_name = 'users' and wait_event_type = 'Lock'`.execute(
          db,
        );
        return Number(rows[0]?.n) > 0 ? true : undefined;
      },
      20_000,
    );
    running.child.kill('SIGTERM');
    await waitFor(
      'the shutdown to begin',
      async () => (running.logs().some((l) => l.msg === 'shutting down') ? true : undefined),
      5_000,
    );
    release();
    await blocker;
    const drained = await patched;
    expect(drained.status).toBe(200);
    expect(((await drained.json()) as { version: number }).version).toBe(2);
    expect(await running.exited).toBe(0);
    const logs = running.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((line) => line.service === 'users')).toBe(true);
    expect(logs.some((line) => line.correlationId === 'corr-process-1')).toBe(true);
    expect(logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['listening', 'shutting down', 'stopped']),
    );
  });

  it('exits 1 with one line naming PORT when PORT is not a port number', async () => {
    const bad = startServiceProcess(environment({ PORT: 'eighty' }));
    expect(await bad.exited).toBe(1);
    const { stdout, stderr } = bad.output();
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringContaining('PORT must be a port number; got "eighty"'),
    ]);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });

  it.each([
    ['on a non-loopback HOST', { HOST: '0.0.0.0' }, 'binding 0.0.0.0'],
    ['with NODE_ENV=production', { NODE_ENV: 'production' }, 'NODE_ENV=production'],
  ])(
    'refuses the development secret %s: exit 1, one line naming JWT_SECRET',
    async (_case, overrides, why) => {
      const bad = startServiceProcess(environment(overrides));
      expect(await bad.exited).toBe(1);
      const { stdout, stderr } = bad.output();
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^users: JWT_SECRET is required/)]);
      expect(stderr).toContain(why);
      expect(stdout).toBe('');
    },
  );

  it('exits 1 naming DATABASE_URL when it is missing', async () => {
    const { DATABASE_URL: _, ...rest } = environment();
    const bad = startServiceProcess(rest);
    expect(await bad.exited).toBe(1);
    expect(bad.output().stderr.trim()).toBe('users: DATABASE_URL is required (a URL)');
  });
});
