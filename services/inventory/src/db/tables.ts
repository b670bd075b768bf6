import type { EventsDatabase } from '@conveyor/events';
import type { ColumnType, Generated } from 'kysely';
import type { ReservationStatus } from '../domain/reservation.ts';

/** int8: node-postgres reads it as a string; prices stay far below 2^53, so callers use Number(). */
type Int8 = ColumnType<string, number, number>;

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  price_cents: Int8;
  /** ISO 4217, e.g. EUR. */
  currency: string;
  created_at: Generated<Date>;
}

/** Units per product; `received` = available + reserved + sold always (a CHECK constraint). */
export interface StockTable {
  product_id: string;
  /** Every unit the shop ever received (the seed's initial stock). */
  received: number;
  available: number;
  reserved: number;
  sold: number;
  updated_at: Generated<Date>;
}

/** The lines of each order's reservation, written in the transaction of the reservation's events. */
export interface ReservationsTable {
  order_id: string;
  product_id: string;
  quantity: number;
  unit_price_cents: Int8;
  status: ReservationStatus;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/**
 * Stock movements per product, from inventory.events (the inventory.stock-view projection). Every
 * unit ever reserved is in exactly one column: `reserved + sold + released` = units reserved. The
 * initial stock is not in the events, so this shows movements, not what is available.
 */
export interface StockViewTable {
  product_id: string;
  /** Held now: reserved by orders neither sold nor released yet. */
  reserved: number;
  /** Sold and not given back (a release after a sale gives units back). */
  sold: number;
  /** Given back, from holds and from sales. */
  released: number;
  /** The time of the product's latest movement (written as the event's ISO string). */
  updated_at: ColumnType<Date, string, string>;
}

/** The inventory database: the events tables and the service's own, and the projection views. */
export interface InventoryDatabase extends EventsDatabase {
  products: ProductsTable;
  stock: StockTable;
  reservations: ReservationsTable;
  /** A view (read only): the served generation of inventory.stock-view. */
  stock_view: StockViewTable;
}
