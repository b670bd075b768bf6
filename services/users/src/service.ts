import { defineService } from '@conveyor/service';
import { buildApp } from './app.ts';
import { migrations } from './db/migrations.ts';
import { createDeps, type UsersDeps } from './deps.ts';
import { usersProjections } from './projections/user-directory.projection.ts';

/**
 * Users: its events topic, the users.directory read model (which also reads orders.events for each
 * user's confirmed orders) and the app; no consumers of its own.
 */
export const usersService = defineService({
  name: 'users',
  migrations,
  topics: ['usersEvents', 'ordersEvents'],
  produces: ['usersEvents'],
  relayLock: 'users.outbox-relay',
  deps: createDeps,
  projections: ({ namespace }) => usersProjections(namespace),
  wire: (deps: UsersDeps, { verifyToken, logger }) => ({
    app: () => buildApp(deps, { verifyToken, logger }),
  }),
});

export type UsersService = Awaited<ReturnType<typeof usersService.start>>;
export const startUsersService = usersService.start;
