import {
  type EventStore,
  messageFactory,
  type StoredEvent,
  type TypedOutgoingMessage,
} from '@conveyor/events';
import type { MessageTypes } from '@conveyor/schemas';
import { sql, type Transaction } from 'kysely';
import type { InventoryDatabase } from '../db/tables.ts';
import {
  evolve,
  initialState,
  type ProductStock,
  type ReservationEvent,
  type ReservationState,
  reservationStreamId,
} from '../domain/reservation.ts';

type Trx = Transaction<InventoryDatabase>;

const message = messageFactory<MessageTypes>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Locks the stock rows of these products and reads them with their prices. Rows are locked in
 * product-id order, so two orders sharing products always queue in the same order and never
 * deadlock. Ids that are not UUIDs name no product: they are left out, not sent to Postgres.
 */
export async function lockStock(trx: Trx, productIds: readonly string[]): Promise<ProductStock[]> {
  const ids = [...new Set(productIds.filter((id) => UUID.test(id)))];
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('stock')
    .innerJoin('products', 'products.id', 'stock.product_id')
    .select([
      'stock.product_id',
      'products.name',
      'products.price_cents',
      'products.currency',
      'stock.available',
    ])
    .where('stock.product_id', 'in', ids)
    .orderBy('stock.product_id')
    .forUpdate('stock')
    .execute();
  return rows.map((row) => ({
    productId: row.product_id,
    name: row.name,
    priceCents: Number(row.price_cents),
    currency: row.currency,
    available: row.available,
  }));
}

/** The reservation's state and the version to append at. */
export async function loadReservation(
  store: EventStore,
  trx: Trx,
  orderId: string,
): Promise<{ state: ReservationState; version: number }> {
  return store.aggregateStream<ReservationState, StoredEvent & ReservationEvent, InventoryDatabase>(
    reservationStreamId(orderId),
    { initialState, evolve },
    trx,
  );
}

/** The stock counts a unit moves between; `received` stays, so the counts stay conserved. */
type UnitCount = 'available' | 'reserved' | 'sold';

/** Moves each line's units from one count of its product's stock to another. */
async function moveUnits(
  trx: Trx,
  lines: ReadonlyArray<{ productId: string; quantity: number }>,
  from: UnitCount,
  to: UnitCount,
): Promise<void> {
  for (const line of lines) {
    await trx
      .updateTable('stock')
      .set((eb) => ({
        [from]: eb(from, '-', line.quantity),
        [to]: eb(to, '+', line.quantity),
        updated_at: sql`now()`,
      }))
      .where('product_id', '=', line.productId)
      .execute();
  }
}

/** Applies one event to the stock and reservations tables (the state the service queries). */
export async function applyToTables(trx: Trx, event: ReservationEvent): Promise<void> {
  switch (event.type) {
    case 'StockReserved': {
      const { orderId, lines } = event.data;
      await moveUnits(trx, lines, 'available', 'reserved');
      await trx
        .insertInto('reservations')
        .values(
          lines.map((line) => ({
            order_id: orderId,
            product_id: line.productId,
            quantity: line.quantity,
            unit_price_cents: line.unitPriceCents,
            status: 'held' as const,
          })),
        )
        .execute();
      return;
    }
    case 'StockReleased': {
      const from = event.data.from === 'held' ? 'reserved' : 'sold';
      await moveUnits(trx, event.data.lines, from, 'available');
      await setStatus(trx, event.data.orderId, 'released');
      return;
    }
    case 'StockSold': {
      await moveUnits(trx, event.data.lines, 'reserved', 'sold');
      await setStatus(trx, event.data.orderId, 'sold');
      return;
    }
    case 'ReservationVoided':
      // A tombstone holds no stock: the event in the reservation's stream is all there is.
      return;
    default: {
      const unexpected: never = event;
      throw new Error(`unexpected event ${JSON.stringify(unexpected)}`);
    }
  }
}

async function setStatus(trx: Trx, orderId: string, status: 'released' | 'sold') {
  await trx
    .updateTable('reservations')
    .set({ status, updated_at: sql`now()` })
    .where('order_id', '=', orderId)
    .execute();
}

/**
 * The integration message of a reservation event: what other services learn (key: the order id).
 * A tombstone moves no stock, so it has none.
 */
export function toMessage(
  topic: string,
  event: ReservationEvent,
):
  | TypedOutgoingMessage<
      MessageTypes,
      'inventory.stock-reserved' | 'inventory.stock-released' | 'inventory.stock-sold'
    >
  | undefined {
  if (event.type === 'ReservationVoided') return undefined;
  const { orderId } = event.data;
  const items = event.data.lines.map(({ productId, quantity }) => ({ productId, quantity }));
  const envelope = { topic, key: orderId };
  switch (event.type) {
    case 'StockReserved':
      return message(
        'inventory.stock-reserved',
        { orderId, items, reservedAt: event.data.reservedAt },
        envelope,
      );
    case 'StockReleased':
      return message(
        'inventory.stock-released',
        { orderId, items, releasedAt: event.data.releasedAt },
        envelope,
      );
    case 'StockSold':
      return message('inventory.stock-sold', { orderId, items, soldAt: event.data.soldAt }, envelope);
    default: {
      const unexpected: never = event;
      throw new Error(`unexpected event ${JSON.stringify(unexpected)}`);
    }
  }
}
