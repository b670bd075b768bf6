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

/** The inventory database: the events tables and the service's own. */
export interface InventoryDatabase extends EventsDatabase {
  products: ProductsTable;
  stock: StockTable;
  reservations: ReservationsTable;
}
