import pg from 'pg';

/**
 * Receives goods before the load starts, so that every ok and declined order of the plan finds
 * stock: for each product short of what the plan needs, `received` and `available` grow by the
 * difference in one statement (the table's `received = available + reserved + sold` CHECK holds).
 *
 * Inventory has no goods-receipt route or event yet; its stock levels live in the `stock` table
 * only (the reservation streams record movements, not receipts), which is also how the seed
 * migration fills it. So the harness writes the table the way a receipt would, before any order
 * exists, and the stock invariant counts these units as received. Returns the units added per
 * product.
 */
export async function receiveStock(
  inventoryUrl: string,
  needed: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: inventoryUrl });
  await client.connect();
  const received = new Map<string, number>();
  try {
    for (const [productId, units] of needed) {
      const { rows } = await client.query<{ available: number }>(
        'SELECT available FROM stock WHERE product_id = $1',
        [productId],
      );
      const available = rows[0]?.available;
      if (available === undefined) throw new Error(`product ${productId} has no stock row`);
      const added = Math.max(0, units - available);
      if (added === 0) continue;
      // No order exists yet; the guard on `available` would still catch one taking stock meanwhile.
      const updated = await client.query(
        `UPDATE stock SET received = received + $2, available = available + $2, updated_at = now()
         WHERE product_id = $1 AND available = $3`,
        [productId, added, available],
      );
      if (updated.rowCount !== 1) throw new Error(`the stock of ${productId} changed while it was received`);
      received.set(productId, added);
    }
    return received;
  } finally {
    await client.end();
  }
}
