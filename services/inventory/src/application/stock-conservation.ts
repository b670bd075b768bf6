import { type Kysely, sql } from 'kysely';
import type { InventoryDatabase } from '../db/tables.ts';

/** One product's counts, and the reservations that should explain them. */
export interface StockBalance {
  productId: string;
  sku: string;
  received: number;
  available: number;
  reserved: number;
  sold: number;
  /** Units in reservations that are held: must equal `reserved`. */
  heldByReservations: number;
  /** Units in reservations that were sold: must equal `sold`. */
  soldByReservations: number;
}

export interface StockConservation {
  /** True when no product breaks the invariant. */
  holds: boolean;
  /** Every product, by sku. */
  products: StockBalance[];
  /** The products whose counts do not add up. */
  violations: StockBalance[];
}

/**
 * The inventory invariant, checked by tests and chaos runs: for every product, the units received
 * (the initial stock) = available + reserved + sold, and `reserved` and `sold` are exactly what
 * the reservations hold and sold. Nothing is created or lost, whatever crashed or was redelivered.
 */
export async function stockConservation(db: Kysely<InventoryDatabase>): Promise<StockConservation> {
  const { rows } = await sql<StockBalance>`
    SELECT s.product_id AS "productId", p.sku, s.received, s.available, s.reserved, s.sold,
      COALESCE(SUM(r.quantity) FILTER (WHERE r.status = 'held'), 0)::int AS "heldByReservations",
      COALESCE(SUM(r.quantity) FILTER (WHERE r.status = 'sold'), 0)::int AS "soldByReservations"
    FROM stock s
    JOIN products p ON p.id = s.product_id
    LEFT JOIN reservations r ON r.product_id = s.product_id
    GROUP BY s.product_id, p.sku
    ORDER BY p.sku`.execute(db);
  const violations = rows.filter(
    (b) =>
      b.received !== b.available + b.reserved + b.sold ||
      b.reserved !== b.heldByReservations ||
      b.sold !== b.soldByReservations,
  );
  return { holds: violations.length === 0, products: rows, violations };
}
