import { randomUUID } from 'node:crypto';
import { type RebuildResult, rebuildProjection } from '@conveyor/events';
import { bearer } from '@conveyor/http/testing';
import {
  createTestDatabase,
  type InfraEndpoints,
  type TestDatabase,
  uniqueName,
} from '@conveyor/infra-local/testing';
import { inject } from 'vitest';
import { loadConfig, type UsersConfig } from '../../src/config.ts';
import type { UsersDeps } from '../../src/deps.ts';
import { userDirectoryProjection } from '../../src/projections/user-directory.projection.ts';
import { type UsersService, usersService } from '../../src/service.ts';

/**
 * A fresh users database (migrated), topics under a namespace of its own, and the app on them,
 * started through the service's bootstrap without its relay and projection (tests that publish
 * start their own).
 */
export interface UsersWorld {
  infra: InfraEndpoints;
  database: TestDatabase;
  /** The topic namespace of this world: `<namespace>.users.events`. */
  namespace: string;
  config: UsersConfig;
  deps: UsersDeps;
  app: UsersService['app'];
  /** Rows in users, events and outbox: what a refused request must leave as it was. */
  counts(): Promise<{ users: number; events: number; outbox: number }>;
  close(): Promise<void>;
}

export async function createUsersWorld(): Promise<UsersWorld> {
  const infra = inject('infra');
  const database = await createTestDatabase(infra.databaseUrl, 'users_test');
  const namespace = uniqueName('users');
  const config = loadConfig({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    CONVEYOR_TOPIC_NAMESPACE: namespace,
    LOG_LEVEL: 'silent',
  });
  const service = await usersService.start(config, { relay: false, projections: false });
  const { deps, app } = service;
  await app.ready();
  const count = async (table: 'users' | 'events' | 'outbox') => {
    const row = await deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    infra,
    database,
    namespace,
    config,
    deps,
    app,
    counts: async () => ({
      users: await count('users'),
      events: await count('events'),
      outbox: await count('outbox'),
    }),
    async close() {
      await service.close();
      await database.drop();
    },
  };
}

/**
 * The whole users service (relay and users.directory projection included) on a fresh database and
 * topic namespace, for the tests that follow messages through Kafka into the directory.
 */
export interface DirectoryWorld {
  namespace: string;
  service: UsersService;
  /** Rebuilds users.directory into the next generation while the service serves it. */
  rebuild(): Promise<RebuildResult>;
  close(): Promise<void>;
}

export async function startDirectoryWorld(name: string): Promise<DirectoryWorld> {
  const infra = inject('infra');
  const database = await createTestDatabase(infra.databaseUrl, name.replaceAll('-', '_'));
  const namespace = uniqueName(name);
  const service = await usersService.start(
    loadConfig({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      LOG_LEVEL: 'silent',
      CONVEYOR_TOPIC_NAMESPACE: namespace,
    }),
  );
  const { db, kafka, codec } = service.deps;
  return {
    namespace,
    service,
    rebuild: () =>
      rebuildProjection({
        db,
        kafka,
        codec,
        groupPrefix: namespace,
        definition: userDirectoryProjection(namespace),
        pollMs: 100,
      }),
    async close() {
      await service.close();
      await database.drop();
    },
  };
}

/** A valid registration body, with overrides. */
export const newUser = (email: string, overrides: Record<string, unknown> = {}) => ({
  email,
  profile: { firstName: 'Ada', lastName: 'Lovelace' },
  preferences: { language: 'en' },
  ...overrides,
});

/** A unique address per call, so tests in one database do not collide. */
export const uniqueEmail = (prefix = 'user') => `${uniqueName(prefix).toLowerCase()}@example.com`;

/** Someone calling with a token: their id (the token's sub) and the header that carries it. */
export interface Caller {
  id: string;
  headers: { authorization: string };
}

/** A caller with a fresh UUID sub (role `user` unless told otherwise). */
export function newCaller(roles: readonly string[] = ['user']): Caller {
  const id = randomUUID();
  return { id, headers: bearer(id, roles) };
}
