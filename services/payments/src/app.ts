import { type ServiceAppFor, serviceAppFor } from '@conveyor/service';
import type { Deps } from './deps.ts';
import { paymentsRoutes } from './http/payments.routes.ts';

export type BuildAppOptions = ServiceAppFor;

/**
 * The payments HTTP app (routes for the caller's verified token, and /health, /ready, /metrics,
 * /docs for anyone). Never listens.
 */
export async function buildApp(deps: Deps, options: BuildAppOptions) {
  const app = await serviceAppFor(deps, options);
  await app.register(paymentsRoutes, { db: deps.db });
  return app;
}
