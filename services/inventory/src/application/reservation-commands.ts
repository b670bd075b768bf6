import { causedBy, handleCommand, type IncomingMessage } from '@conveyor/events';
import type { Transaction } from 'kysely';
import type { InventoryDatabase } from '../db/tables.ts';
import type { Deps } from '../deps.ts';
import {
  decide,
  evolve,
  holdsLines,
  initialState,
  type ReservationCommand,
  type ReservationEvent,
  type ReservationState,
  type ReservationSummary,
  reservationStreamId,
  type StockLine,
  summaryOf,
} from '../domain/reservation.ts';
import { applyToTables, loadReservation, lockStock, toMessage } from './reservation-writes.ts';

type Trx = Transaction<InventoryDatabase>;
type CommandDeps = Pick<Deps, 'store' | 'clock' | 'newId' | 'topics'>;
/** The message that asked for the change: its ids travel on to the events and messages it causes. */
export type Cause = Pick<IncomingMessage, 'messageId' | 'correlationId' | 'traceparent'>;

/**
 * Holds stock for every line of an order, or for none: refusals (unknown product, not enough
 * stock) throw before anything is written. An order already held answers its reservation again.
 */
export async function reserveStock(
  deps: CommandDeps,
  trx: Trx,
  request: { orderId: string; items: readonly StockLine[]; cause: Cause },
): Promise<ReservationSummary> {
  // Product ids are UUIDs; their canonical (Postgres) spelling is lower case.
  const items = request.items.map((item) => ({ ...item, productId: item.productId.toLowerCase() }));
  const stock = await lockStock(
    trx,
    items.map((item) => item.productId),
  );
  const { state } = await commit(deps, trx, request.orderId, request.cause, {
    type: 'ReserveStock',
    data: { orderId: request.orderId, items, stock },
    metadata: { now: deps.clock() },
  });
  const summary = summaryOf(state);
  if (!summary) throw new Error(`reservation of order ${request.orderId} is ${state.status} after reserve`);
  return summary;
}

/**
 * Gives back what the order holds (or, once sold, had bought). When it holds nothing, records the
 * tombstone (`voided`) that makes a later reserve of the order fail.
 */
export async function releaseStock(
  deps: CommandDeps,
  trx: Trx,
  request: { orderId: string; cause: Cause },
): Promise<{ released: boolean; voided: boolean }> {
  const events = await runOnHeldLines(deps, trx, request, 'ReleaseStock');
  return {
    released: events.some((e) => e.type === 'StockReleased'),
    voided: events.some((e) => e.type === 'ReservationVoided'),
  };
}

/** Turns the order's held stock into sold stock (its order was confirmed); idempotent. */
export async function sellStock(
  deps: CommandDeps,
  trx: Trx,
  request: { orderId: string; cause: Cause },
): Promise<{ sold: boolean }> {
  const events = await runOnHeldLines(deps, trx, request, 'SellStock');
  return { sold: events.length > 0 };
}

/**
 * Release and sell touch the lines the reservation already holds: lock those stock rows (in the
 * order reserve takes them, so no deadlock), then decide on the reservation as it is under the
 * lock. Lines never change after a reserve, so the first read names the right rows.
 */
async function runOnHeldLines(
  deps: CommandDeps,
  trx: Trx,
  request: { orderId: string; cause: Cause },
  type: 'ReleaseStock' | 'SellStock',
): Promise<ReservationEvent[]> {
  const { state } = await loadReservation(deps.store, trx, request.orderId);
  if (holdsLines(state)) {
    await lockStock(
      trx,
      state.lines.map((line) => line.productId),
    );
  }
  // Decided on the reservation as it is under the lock: the command handler reads it again.
  const { events } = await commit(deps, trx, request.orderId, request.cause, {
    type,
    data: { orderId: request.orderId },
    metadata: { now: deps.clock() },
  });
  return events;
}

/** Decides on the order's reservation and writes the events, their messages and the stock rows. */
function commit(
  deps: CommandDeps,
  trx: Trx,
  orderId: string,
  cause: Cause,
  command: ReservationCommand,
): Promise<{ state: ReservationState; events: ReservationEvent[] }> {
  return handleCommand(deps.store, trx, {
    streamId: reservationStreamId(orderId),
    decider: { decide, evolve, initialState },
    command: () => command,
    metadata: { correlationId: cause.correlationId, causationId: cause.messageId },
    messages: (event) => {
      const message = toMessage(deps.topics.inventoryEvents, event);
      return message ? [{ ...message, messageId: deps.newId(), ...causedBy(cause) }] : [];
    },
    project: async (trx, { state, events }) => {
      for (const event of events) await applyToTables(trx, event);
      return { state, events };
    },
  });
}
