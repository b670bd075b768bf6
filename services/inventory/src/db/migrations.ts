import { eventsMigrations } from '@conveyor/events';
import { type Kysely, type Migration, sql } from 'kysely';
import { SEED_PRODUCTS } from './seed-products.ts';

/** The inventory service's own migrations (names from 1000_, after the events tables). */
export const inventoryMigrations: Record<string, Migration> = {
  '1000_inventory_tables': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE products (
          id uuid PRIMARY KEY,
          sku text NOT NULL UNIQUE,
          name text NOT NULL CHECK (name <> ''),
          price_cents bigint NOT NULL CHECK (price_cents >= 0),
          currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
          created_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      // The CHECKs make a broken write fail its transaction instead of corrupting the counts.
      await sql`
        CREATE TABLE stock (
          product_id uuid PRIMARY KEY REFERENCES products (id),
          received integer NOT NULL CHECK (received >= 0),
          available integer NOT NULL CHECK (available >= 0),
          reserved integer NOT NULL CHECK (reserved >= 0),
          sold integer NOT NULL CHECK (sold >= 0),
          updated_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT stock_conserved CHECK (received = available + reserved + sold)
        )`.execute(db);
      // order_id is text: it is whatever id the orders service gave the order.
      await sql`
        CREATE TABLE reservations (
          order_id text NOT NULL,
          product_id uuid NOT NULL REFERENCES products (id),
          quantity integer NOT NULL CHECK (quantity > 0),
          unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
          status text NOT NULL CHECK (status IN ('held', 'released', 'sold')),
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (order_id, product_id)
        )`.execute(db);
      await sql`CREATE INDEX reservations_product_status_idx ON reservations (product_id, status)`.execute(
        db,
      );
      await sql`CREATE INDEX products_name_idx ON products (name, id)`.execute(db);
    },
  },
  '1001_inventory_seed': {
    async up(db: Kysely<unknown>) {
      for (const p of SEED_PRODUCTS) {
        await sql`
          INSERT INTO products (id, sku, name, price_cents, currency)
          VALUES (${p.id}, ${p.sku}, ${p.name}, ${p.priceCents}, ${p.currency})`.execute(db);
        await sql`
          INSERT INTO stock (product_id, received, available, reserved, sold)
          VALUES (${p.id}, ${p.initialStock}, ${p.initialStock}, 0, 0)`.execute(db);
      }
    },
  },
};

/** Everything the inventory database needs, in order: pass it to `migrate(db, migrations)`. */
export const migrations: Record<string, Migration> = { ...eventsMigrations, ...inventoryMigrations };
