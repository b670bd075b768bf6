import { describe, expect, it } from 'vitest';
import { type Product, pickProducts, planOrders, unitsNeeded } from './plan.ts';
import { mulberry32 } from './schedule.ts';

const catalogue: Product[] = [
  { id: 'a', priceCents: 1_000, available: 100 },
  { id: 'b', priceCents: 2_000, available: 10 },
  { id: 'c', priceCents: 3_000, available: 50 },
  { id: 'pen', priceCents: 18_900, available: 3 },
  { id: 'dear', priceCents: 90_000, available: 500 },
];

describe('the order plan', () => {
  it('keeps the scarce product for out-of-stock orders and one cheap product spare', () => {
    const { scarce, regular, spare } = pickProducts(catalogue);
    expect(scarce.id).toBe('pen');
    expect(spare.id).toBe('a');
    expect(regular.map((p) => p.id)).toEqual(['b', 'c']);
  });

  it('is the same for the same seed, at the rate, with every intent', () => {
    const options = { rate: 20, durationMs: 10_000, users: 4, catalogue };
    const plan = planOrders({ ...options, random: mulberry32(7) });
    expect(planOrders({ ...options, random: mulberry32(7) })).toEqual(plan);
    expect(plan).toHaveLength(200);
    expect(plan[199]!.atMs).toBe(9_950);
    expect(new Set(plan.map((o) => o.intent))).toEqual(new Set(['ok', 'out-of-stock', 'declined']));
    for (const order of plan) {
      if (order.intent === 'out-of-stock') {
        expect(order.productId).toBe('pen');
        expect(order.quantity).toBeGreaterThan(3);
      } else {
        expect(['b', 'c']).toContain(order.productId);
        expect(order.quantity).toBe(1);
      }
    }
  });

  it('needs a unit per ok and declined order of each product, none for out-of-stock ones', () => {
    const plan = planOrders({ rate: 20, durationMs: 10_000, users: 4, catalogue, random: mulberry32(7) });
    const needed = unitsNeeded(plan);
    expect(needed.has('pen')).toBe(false);
    expect((needed.get('b') ?? 0) + (needed.get('c') ?? 0)).toBe(
      plan.filter((o) => o.intent !== 'out-of-stock').length,
    );
  });
});
