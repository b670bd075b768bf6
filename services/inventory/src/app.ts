import { createServiceApp, type TokenVerifier } from '@conveyor/http';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from './deps.ts';
import { productsRoutes } from './http/products.routes.ts';
import { stockViewRoutes } from './http/stock-view.routes.ts';

export interface BuildAppOptions {
  /** Checks every caller's bearer token: createTokenVerifier(config.jwt). */
  verifyToken: TokenVerifier;
  /** Request logs (pino); none when absent, as in tests. */
  logger?: FastifyBaseLogger;
}

/**
 * The inventory HTTP app: the shared service kit (problem+json, correlation id, the caller's
 * verified token, /health, /ready, /metrics, /docs), the public catalogue reads, and the stock
 * counts and stock view for admins. It never listens: main.ts does, tests inject. GET /stock-view reads the `stock_view` view, which the inventory.stock-view projection
 * host creates on its first start (startInventoryService does that before building the app).
 */
export async function buildApp(deps: Pick<Deps, 'db' | 'metrics' | 'readiness'>, options: BuildAppOptions) {
  const app = await createServiceApp({
    name: 'inventory',
    logger: options.logger ?? false,
    verifyToken: options.verifyToken,
    readiness: deps.readiness,
    metrics: deps.metrics,
  });
  await app.register(productsRoutes, { db: deps.db });
  await app.register(stockViewRoutes, { db: deps.db });
  return app;
}
