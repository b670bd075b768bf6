import type { Kysely } from 'kysely';
import type { InventoryDatabase } from '../db/tables.ts';
import { noStockMovements } from '../domain/errors.ts';

/** A product's stock movements as the inventory.stock-view projection counts them. */
export interface StockMovementsView {
  productId: string;
  /** Units held now for orders neither sold nor released. */
  reserved: number;
  /** Units sold and not given back. */
  sold: number;
  /** Units given back, from holds and from sales. */
  released: number;
  /** The time of the latest movement. */
  updatedAt: string;
}

/**
 * Reads the `stock_view` view (the served generation), so a movement a moment old may show a
 * moment later. INVENTORY_NO_STOCK_MOVEMENTS (404) when the product never moved (or does not
 * exist: the view cannot tell).
 */
export async function getStockMovements(
  db: Kysely<InventoryDatabase>,
  productId: string,
): Promise<StockMovementsView> {
  const row = await db
    .selectFrom('stock_view')
    .selectAll()
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (!row) throw noStockMovements(productId);
  return {
    productId: row.product_id,
    reserved: row.reserved,
    sold: row.sold,
    released: row.released,
    updatedAt: row.updated_at.toISOString(),
  };
}
