/**
 * The orders of a run, decided before it starts: pure, deterministic in the seed and the catalogue.
 * Planning first (instead of drawing as the load goes) gives the stock every order needs before
 * the first one is sent, so each intent is unambiguous for the whole run.
 */

/** What the load generator meant an order to do. */
export type Intent = 'ok' | 'out-of-stock' | 'declined';

export const INTENTS: readonly Intent[] = ['ok', 'out-of-stock', 'declined'];

/** A product as the catalogue lists it. */
export interface Product {
  id: string;
  priceCents: number;
  available: number;
}

export interface PlannedOrder {
  /** Position in the run; also fixes its send time. */
  index: number;
  /** When it is due, in ms after the load started. */
  atMs: number;
  intent: Intent;
  /** Index into the run's users. */
  user: number;
  productId: string;
  quantity: number;
}

export interface PlanOptions {
  /** Seeded PRNG for the mix (same seed → same orders). */
  random: () => number;
  /** Orders per second. */
  rate: number;
  durationMs: number;
  users: number;
  catalogue: readonly Product[];
}

/** The fake provider declines charges above 1,000.00 EUR: one unit of these never is. */
const MAX_OK_PRICE_CENTS = 50_000;

/**
 * The products of a run: the scarce one for out-of-stock orders, cheap ones for the rest, and one
 * cheap product no planned order uses (`spare`), kept for the orders a fault places itself.
 */
export function pickProducts(catalogue: readonly Product[]): {
  scarce: Product;
  regular: Product[];
  spare: Product;
} {
  if (catalogue.length < 3) throw new Error('the catalogue needs at least three products');
  const scarce = catalogue.reduce((a, b) => (b.available < a.available ? b : a));
  const cheap = catalogue
    .filter((p) => p.id !== scarce.id && p.priceCents < MAX_OK_PRICE_CENTS)
    .sort((a, b) => a.id.localeCompare(b.id));
  const [spare, ...regular] = cheap;
  if (!spare || regular.length === 0)
    throw new Error('the catalogue needs two products cheap enough for an ok order');
  return { scarce, regular, spare };
}

/**
 * ~70% one unit of a regular product, ~15% more units than the scarce product has (nobody else
 * orders it, so it stays short), ~15% one unit of a regular product with the declining card token.
 */
export function planOrders(options: PlanOptions): PlannedOrder[] {
  const { random, rate } = options;
  const { scarce, regular } = pickProducts(options.catalogue);
  const interval = 1000 / rate;
  const orders: PlannedOrder[] = [];
  for (let index = 0; index * interval < options.durationMs; index++) {
    const r = random();
    const intent: Intent = r < 0.7 ? 'ok' : r < 0.85 ? 'out-of-stock' : 'declined';
    const user = Math.floor(random() * options.users);
    const product = intent === 'out-of-stock' ? scarce : regular[Math.floor(random() * regular.length)]!;
    const quantity = intent === 'out-of-stock' ? scarce.available + 1 + Math.floor(random() * 5) : 1;
    orders.push({ index, atMs: Math.round(index * interval), intent, user, productId: product.id, quantity });
  }
  return orders;
}

/**
 * Units each product must have for every ok and declined order of the plan to find stock, even if
 * all of them held their units at the same moment. Out-of-stock orders need none (they must not).
 */
export function unitsNeeded(plan: readonly PlannedOrder[]): Map<string, number> {
  const needed = new Map<string, number>();
  for (const order of plan)
    if (order.intent !== 'out-of-stock')
      needed.set(order.productId, (needed.get(order.productId) ?? 0) + order.quantity);
  return needed;
}
