import { ADMIN_ROLE, conveyorValidatorCompiler } from '@conveyor/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { getProduct, getStock, listProducts } from '../application/catalog-queries.ts';
import type { InventoryDatabase } from '../db/tables.ts';
import {
  NoQuery,
  PRODUCT_PAGE_LIMITS,
  Problem,
  Product,
  ProductIdParams,
  ProductListQuery,
  ProductPage,
  Stock,
} from './products.schemas.ts';

export interface ProductsRoutesOptions {
  db: Kysely<InventoryDatabase>;
}

/**
 * The public catalogue (no token needed), and each product's stock counts for admins: how many
 * units are held and sold says how the shop trades, which is not for every caller.
 */
export const productsRoutes: FastifyPluginAsyncTypebox<ProductsRoutesOptions> = async (app, { db }) => {
  app.setValidatorCompiler(conveyorValidatorCompiler);
  const tags = ['products'];

  app.get(
    '/products',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'List the catalogue, a page at a time (by name)',
        querystring: ProductListQuery,
        response: { 200: ProductPage, 400: Problem },
      },
    },
    (request) =>
      listProducts(db, request.query.page ?? 1, request.query.limit ?? PRODUCT_PAGE_LIMITS.defaultLimit),
  );

  app.get(
    '/products/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One product with its available units',
        params: ProductIdParams,
        querystring: NoQuery,
        response: { 200: Product, 400: Problem, 404: Problem },
      },
    },
    (request) => getProduct(db, request.params.id),
  );

  app.get(
    '/products/:id/stock',
    {
      config: { access: { role: ADMIN_ROLE } },
      schema: {
        tags,
        summary: "A product's units: available, reserved for running orders, sold (admin)",
        params: ProductIdParams,
        querystring: NoQuery,
        response: { 200: Stock, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    (request) => getStock(db, request.params.id),
  );
};
