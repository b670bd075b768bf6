import { createServiceDeps, type ServiceDeps, type ServiceOverrides } from '@conveyor/service';
import type { UsersConfig } from './config.ts';
import type { UsersDatabase } from './db/tables.ts';

/** Everything the users code needs from the outside world, passed around as one object. */
export type UsersDeps = ServiceDeps<UsersDatabase>;

/** Builds the clients; connects nothing yet (the pool connects on first query, Kafka on use). */
export function createDeps(config: UsersConfig, overrides: ServiceOverrides = {}): UsersDeps {
  return createServiceDeps<UsersDatabase>('users', config, overrides);
}
