import type { Kysely } from 'kysely';
import type { InventoryDatabase } from '../db/tables.ts';
import { productNotFound } from '../domain/errors.ts';

/** A product as the public catalogue shows it. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  /** Units that can be ordered now. */
  available: number;
}

export interface ProductPageView {
  items: ProductView[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

export interface StockView {
  available: number;
  reserved: number;
  sold: number;
}

type Db = Kysely<InventoryDatabase>;

const productColumns = [
  'products.id',
  'products.sku',
  'products.name',
  'products.price_cents',
  'products.currency',
  'stock.available',
] as const;

const catalogue = (db: Db) => db.selectFrom('products').innerJoin('stock', 'stock.product_id', 'products.id');

/** One page of the catalogue in name order (then id, so pages never overlap). */
export async function listProducts(db: Db, page: number, limit: number): Promise<ProductPageView> {
  const [rows, count] = await Promise.all([
    catalogue(db)
      .select(productColumns)
      .orderBy('products.name')
      .orderBy('products.id')
      .limit(limit)
      .offset((page - 1) * limit)
      .execute(),
    db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  const total = Number(count.total);
  return { items: rows.map(toView), page, limit, total, totalPages: Math.ceil(total / limit) };
}

/** One product; INVENTORY_PRODUCT_NOT_FOUND (404) when there is none. */
export async function getProduct(db: Db, id: string): Promise<ProductView> {
  const row = await catalogue(db).select(productColumns).where('products.id', '=', id).executeTakeFirst();
  if (!row) throw productNotFound(id);
  return toView(row);
}

/** A product's stock counts; INVENTORY_PRODUCT_NOT_FOUND (404) when there is no such product. */
export async function getStock(db: Db, productId: string): Promise<StockView> {
  const stock = await db
    .selectFrom('stock')
    .select(['available', 'reserved', 'sold'])
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (!stock) throw productNotFound(productId);
  return stock;
}

function toView(row: {
  id: string;
  sku: string;
  name: string;
  price_cents: string;
  currency: string;
  available: number;
}): ProductView {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    priceCents: Number(row.price_cents),
    currency: row.currency,
    available: row.available,
  };
}
