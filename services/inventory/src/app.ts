import { type ServiceAppFor, serviceAppFor } from '@conveyor/service';
import type { Deps } from './deps.ts';
import { productsRoutes } from './http/products.routes.ts';
import { stockViewRoutes } from './http/stock-view.routes.ts';

export type BuildAppOptions = ServiceAppFor;

/**
 * The inventory HTTP app: the shared service kit (problem+json, correlation id, the caller's
 * verified token, /health, /ready, /metrics, /docs), the public catalogue reads, and the stock
 * counts and stock view for admins. It never listens: main.ts does, tests inject. GET /stock-view
 * reads the `stock_view` view, which the inventory.stock-view projection host creates on its first
 * start (the bootstrap starts it before building the app).
 */
export async function buildApp(
  deps: Pick<Deps, 'service' | 'db' | 'kafka' | 'metrics'>,
  options: BuildAppOptions,
) {
  const app = await serviceAppFor(deps, options);
  await app.register(productsRoutes, { db: deps.db });
  await app.register(stockViewRoutes, { db: deps.db });
  return app;
}
