import type { Decider } from '@conveyor/events';
import {
  insufficientStock,
  invalidReservation,
  reservationNotHeld,
  reservationReleased,
  reservationVoided,
  unknownProduct,
} from './errors.ts';

export interface StockLine {
  productId: string;
  quantity: number;
}

export interface PricedLine extends StockLine {
  unitPriceCents: number;
}

/** A product as the reserve decision sees it: read with its stock row locked. */
export interface ProductStock {
  productId: string;
  name: string;
  priceCents: number;
  currency: string;
  available: number;
}

interface CommandMetadata {
  now: Date;
}

export interface ReserveStock {
  type: 'ReserveStock';
  data: { orderId: string; items: readonly StockLine[]; stock: readonly ProductStock[] };
  metadata: CommandMetadata;
}

export interface ReleaseStock {
  type: 'ReleaseStock';
  data: { orderId: string };
  metadata: CommandMetadata;
}

export interface SellStock {
  type: 'SellStock';
  data: { orderId: string };
  metadata: CommandMetadata;
}

export type ReservationCommand = ReserveStock | ReleaseStock | SellStock;

export interface StockReserved {
  type: 'StockReserved';
  data: { orderId: string; lines: PricedLine[]; totalCents: number; currency: string; reservedAt: string };
}

export interface StockReleased {
  type: 'StockReleased';
  data: { orderId: string; lines: StockLine[]; from: 'held' | 'sold'; releasedAt: string };
}

export interface StockSold {
  type: 'StockSold';
  data: { orderId: string; lines: StockLine[]; soldAt: string };
}

/**
 * The tombstone of a reservation that never held stock: its compensation (release-stock) came
 * first, because the reserve was late, stuck in a dead-letter topic, or never delivered. A reserve
 * that arrives afterwards is refused, so a cancelled order never takes stock.
 */
export interface ReservationVoided {
  type: 'ReservationVoided';
  data: { orderId: string; voidedAt: string };
}

export type ReservationEvent = StockReserved | StockReleased | StockSold | ReservationVoided;

/** The statuses of a reservation that held stock (the `reservations` rows have these). */
export type ReservationStatus = 'held' | 'released' | 'sold';

/** What the saga is told on success, and what a repeated reserve answers again. */
export interface ReservationSummary {
  lines: PricedLine[];
  totalCents: number;
  currency: string;
}

export type ReservationState =
  | { status: 'none' }
  | { status: 'voided'; orderId: string; voidedAt: string }
  | ({ status: ReservationStatus; orderId: string } & ReservationSummary);

export const reservationStreamId = (orderId: string) => `reservation-${orderId}`;

export const initialState = (): ReservationState => ({ status: 'none' });

export function decide(command: ReservationCommand, state: ReservationState): ReservationEvent[] {
  switch (command.type) {
    case 'ReserveStock':
      return reserve(command, state);
    case 'ReleaseStock':
      return release(command, state);
    case 'SellStock':
      return sell(command, state);
    default:
      return assertNever(command);
  }
}

export function evolve(state: ReservationState, event: ReservationEvent): ReservationState {
  switch (event.type) {
    case 'StockReserved': {
      const { orderId, lines, totalCents, currency } = event.data;
      return { status: 'held', orderId, lines, totalCents, currency };
    }
    case 'StockReleased':
      return holdsLines(state) ? { ...state, status: 'released' } : state;
    case 'StockSold':
      return holdsLines(state) ? { ...state, status: 'sold' } : state;
    case 'ReservationVoided':
      return { status: 'voided', orderId: event.data.orderId, voidedAt: event.data.voidedAt };
    default:
      return assertNever(event);
  }
}

/** The Reservation decider: one stream per order (`reservation-<orderId>`). */
export const reservationDecider: Decider<ReservationCommand, ReservationEvent, ReservationState> = {
  decide,
  evolve,
  initialState,
};

/** A reservation that held stock at some point: it has lines (held, sold or released now). */
export function holdsLines(
  state: ReservationState,
): state is Extract<ReservationState, { status: ReservationStatus }> {
  return state.status === 'held' || state.status === 'released' || state.status === 'sold';
}

/** The saga's view of a reservation that holds (or held, then sold) stock. */
export function summaryOf(state: ReservationState): ReservationSummary | undefined {
  if (state.status !== 'held' && state.status !== 'sold') return undefined;
  return { lines: state.lines, totalCents: state.totalCents, currency: state.currency };
}

function reserve({ data, metadata }: ReserveStock, state: ReservationState): ReservationEvent[] {
  const { orderId } = data;
  if (state.status === 'held' || state.status === 'sold') return [];
  if (state.status === 'released') throw reservationReleased(orderId);
  if (state.status === 'voided') throw reservationVoided(orderId);
  const wanted = mergeLines(orderId, data.items);
  const stock = new Map(data.stock.map((product) => [product.productId, product]));
  const priced = wanted.map((line) => {
    const product = stock.get(line.productId);
    if (!product) throw unknownProduct(line.productId);
    if (product.available < line.quantity) throw insufficientStock(product, line.quantity);
    return { line: { ...line, unitPriceCents: product.priceCents }, currency: product.currency };
  });
  const currencies = [...new Set(priced.map((p) => p.currency))];
  const [currency] = currencies;
  if (currency === undefined || currencies.length > 1) {
    throw invalidReservation(orderId, `its products are priced in several currencies (${currencies})`);
  }
  const lines = priced.map((p) => p.line);
  const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return [
    {
      type: 'StockReserved',
      data: { orderId, lines, totalCents, currency, reservedAt: metadata.now.toISOString() },
    },
  ];
}

function release({ data, metadata }: ReleaseStock, state: ReservationState): ReservationEvent[] {
  // Nothing held: the reserve was refused, or has not arrived yet. The tombstone makes sure it
  // never will take stock (a refused reserve is refused again anyway).
  if (state.status === 'none') {
    return [
      { type: 'ReservationVoided', data: { orderId: data.orderId, voidedAt: metadata.now.toISOString() } },
    ];
  }
  if (state.status === 'released' || state.status === 'voided') return [];
  // Sold, then released: the saga compensated an order whose confirmation it did not see
  // acknowledged (confirm-order timed out), so the order is cancelled and its units come back.
  return [
    {
      type: 'StockReleased',
      data: {
        orderId: data.orderId,
        lines: unpriced(state.lines),
        from: state.status,
        releasedAt: metadata.now.toISOString(),
      },
    },
  ];
}

function sell({ data, metadata }: SellStock, state: ReservationState): ReservationEvent[] {
  if (state.status === 'none') throw reservationNotHeld(data.orderId);
  // Released or voided: the saga was compensated, so a late confirmation has nothing to sell.
  if (state.status !== 'held') return [];
  return [
    {
      type: 'StockSold',
      data: { orderId: data.orderId, lines: unpriced(state.lines), soldAt: metadata.now.toISOString() },
    },
  ];
}

/** One line per product, in the order they were first asked for; quantities of repeats add up. */
function mergeLines(orderId: string, items: readonly StockLine[]): StockLine[] {
  if (items.length === 0) throw invalidReservation(orderId, 'it has no items');
  const merged = new Map<string, number>();
  for (const { productId, quantity } of items) {
    if (!Number.isSafeInteger(quantity) || quantity < 1) {
      throw invalidReservation(
        orderId,
        `quantity ${quantity} of product ${productId} is not a positive integer`,
      );
    }
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  }
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

const unpriced = (lines: readonly PricedLine[]): StockLine[] =>
  lines.map(({ productId, quantity }) => ({ productId, quantity }));

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
