import { type ServiceAppFor, serviceAppFor } from '@conveyor/service';
import type { UsersDeps } from './deps.ts';
import { directoryRoutes } from './http/directory.routes.ts';
import { usersRoutes } from './http/users.routes.ts';

export type BuildAppOptions = ServiceAppFor;

/**
 * The users HTTP app: the routes on the shared service app (problem+json, correlation ids, the
 * caller's verified token on every route but /health, /ready, /metrics and /docs, /ready checking
 * Postgres and Kafka). Never listens. GET /directory reads the `user_directory` view, which the
 * users.directory projection host creates on its first start (the bootstrap starts it before
 * building the app).
 */
export async function buildApp(deps: UsersDeps, options: BuildAppOptions) {
  const app = await serviceAppFor(deps, options);
  await app.register(usersRoutes, { deps });
  await app.register(directoryRoutes, { db: deps.db });
  return app;
}

export type UsersApp = Awaited<ReturnType<typeof buildApp>>;
