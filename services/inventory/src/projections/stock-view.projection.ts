import { type AnyProjection, defineProjection, type ProjectionDefinition } from '@conveyor/events';
import { type MessageTypes, type StockLine, topicNames } from '@conveyor/schemas';
import { type QueryCreator, sql } from 'kysely';
import type { StockViewTable } from '../db/tables.ts';

export const STOCK_VIEW_PROJECTION = 'inventory.stock-view';

type OrderStatus = 'held' | 'sold' | 'released';

/** The tables of the inventory.stock-view projection, as its handlers write them. */
export interface StockViewTables {
  stock_view: StockViewTable;
  /** Where each order's reservation stands: not served, the handlers' own memory. */
  stock_view_orders: { order_id: string; status: OrderStatus };
}

/** How one unit of a line moves between the columns of stock_view. */
type Movement = Record<'reserved' | 'sold' | 'released', -1 | 0 | 1>;

const MOVES = {
  reserve: { reserved: 1, sold: 0, released: 0 },
  sell: { reserved: -1, sold: 1, released: 0 },
  releaseHeld: { reserved: -1, sold: 0, released: 1 },
  releaseSold: { reserved: 0, sold: -1, released: 1 },
} as const satisfies Record<string, Movement>;

/**
 * Stock movements per product behind GET /stock-view/:productId, from inventory.events.
 *
 * stock-released does not say whether the units were held or already sold (the saga can
 * compensate a confirmed order), so the projection remembers each order's status in
 * stock_view_orders. An order's events share its key, hence a partition, so they apply in order;
 * a movement the order's status does not allow (a repeated event, a sale after a release) is
 * skipped, as the reservation decider does. Sums and GREATEST do not depend on how partitions
 * interleave, so a rebuild gives the very same rows.
 */
export function stockViewProjection(namespace: string): ProjectionDefinition<StockViewTables> {
  return defineProjection<StockViewTables, MessageTypes>({
    name: STOCK_VIEW_PROJECTION,
    topics: [topicNames(namespace).inventoryEvents],
    tables: ['stock_view'],
    async createTables(db, schema) {
      // No CHECKs: a projection that refused an event would stall on it.
      await sql`CREATE TABLE ${sql.id(schema, 'stock_view')} (
        product_id uuid PRIMARY KEY,
        reserved integer NOT NULL,
        sold integer NOT NULL,
        released integer NOT NULL,
        updated_at timestamptz NOT NULL
      )`.execute(db);
      // order_id is text, as in reservations: whatever id the orders service gave the order.
      await sql`CREATE TABLE ${sql.id(schema, 'stock_view_orders')} (
        order_id text PRIMARY KEY,
        status text NOT NULL
      )`.execute(db);
    },
    handlers: {
      'inventory.stock-reserved': async (message, { db }) => {
        const { orderId, items, reservedAt } = message.data;
        if ((await statusOf(db, orderId)) !== undefined) return;
        await move(db, items, MOVES.reserve, reservedAt);
        await setStatus(db, orderId, 'held');
      },
      'inventory.stock-sold': async (message, { db }) => {
        const { orderId, items, soldAt } = message.data;
        if ((await statusOf(db, orderId)) !== 'held') return;
        await move(db, items, MOVES.sell, soldAt);
        await setStatus(db, orderId, 'sold');
      },
      'inventory.stock-released': async (message, { db }) => {
        const { orderId, items, releasedAt } = message.data;
        const status = await statusOf(db, orderId);
        if (status !== 'held' && status !== 'sold') return;
        await move(db, items, status === 'held' ? MOVES.releaseHeld : MOVES.releaseSold, releasedAt);
        await setStatus(db, orderId, 'released');
      },
    },
  });
}

/** Every projection of the inventory service, for its ProjectionHost and for a replay CLI. */
export function inventoryProjections(namespace: string): AnyProjection[] {
  return [stockViewProjection(namespace)];
}

type Db = QueryCreator<StockViewTables>;

async function statusOf(db: Db, orderId: string): Promise<OrderStatus | undefined> {
  const row = await db
    .selectFrom('stock_view_orders')
    .select('status')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row?.status;
}

async function setStatus(db: Db, orderId: string, status: OrderStatus): Promise<void> {
  await db
    .insertInto('stock_view_orders')
    .values({ order_id: orderId, status })
    .onConflict((oc) => oc.column('order_id').doUpdateSet({ status }))
    .execute();
}

/** Adds each line's units to the columns the movement names (one row per product, created at 0). */
async function move(db: Db, items: readonly StockLine[], movement: Movement, at: string): Promise<void> {
  const units = new Map<string, number>();
  for (const { productId, quantity } of items) units.set(productId, (units.get(productId) ?? 0) + quantity);
  if (units.size === 0) return;
  await db
    .insertInto('stock_view')
    .values(
      [...units].map(([productId, quantity]) => ({
        product_id: productId,
        reserved: movement.reserved * quantity,
        sold: movement.sold * quantity,
        released: movement.released * quantity,
        updated_at: at,
      })),
    )
    .onConflict((oc) =>
      oc.column('product_id').doUpdateSet((eb) => ({
        reserved: eb('stock_view.reserved', '+', eb.ref('excluded.reserved')),
        sold: eb('stock_view.sold', '+', eb.ref('excluded.sold')),
        released: eb('stock_view.released', '+', eb.ref('excluded.released')),
        // The latest movement whatever order the partitions were applied in.
        updated_at: eb.fn('greatest', ['stock_view.updated_at', 'excluded.updated_at']),
      })),
    )
    .execute();
}
