import pg from 'pg';

/**
 * Receives goods before the run, so that every order finds stock: `received` and `available` grow
 * by the same amount (the table's `received = available + reserved + sold` CHECK holds). Inventory
 * has no goods-receipt route; its seed migration fills the same table (tests/chaos/stock.ts does
 * the same for the chaos run).
 */
export async function receiveStock(inventoryUrl: string, productIds: string[], units: number): Promise<void> {
  const client = new pg.Client({ connectionString: inventoryUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `UPDATE stock SET received = received + $2, available = available + $2, updated_at = now()
       WHERE product_id = ANY($1::uuid[])`,
      [productIds, units],
    );
    if (rowCount !== productIds.length)
      throw new Error(`stock rows for ${rowCount} of ${productIds.length} products`);
  } finally {
    await client.end();
  }
}
