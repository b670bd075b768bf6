import { ADMIN_ROLE } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { getStockMovements } from '../application/stock-view-queries.ts';
import type { InventoryDatabase } from '../db/tables.ts';
import { NoQuery, Problem } from './products.schemas.ts';
import { StockMovements, StockViewParams } from './stock-view.schemas.ts';

export interface StockViewRoutesOptions {
  db: Kysely<InventoryDatabase>;
}

/** GET /stock-view/:productId: the inventory.stock-view read model, for admins. */
export const stockViewRoutes: FastifyPluginAsyncTypebox<StockViewRoutesOptions> = async (app, { db }) => {
  app.get(
    '/stock-view/:productId',
    {
      config: { access: { role: ADMIN_ROLE } },
      schema: {
        tags: ['stock'],
        summary: "A product's stock movements, projected from inventory.events (admin)",
        description:
          'Served by the inventory.stock-view projection (rebuildable by replay), so a movement can show a moment later. ' +
          'It counts movements only: the initial stock is not in the events (GET /products/:id/stock has it).',
        params: StockViewParams,
        querystring: NoQuery,
        response: { 200: StockMovements, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    (request) => getStockMovements(db, request.params.productId),
  );
};
