import { describe, expect, it } from 'vitest';
import {
  type AcceptedOrder,
  availability,
  latency,
  OUTAGE_GRACE_MS,
  outcomeOf,
  outcomes,
  percentile,
} from './figures.ts';
import type { OrderRequest } from './load.ts';
import type { OrderFact } from './order-facts.ts';

const fact = (
  orderId: string,
  status: string,
  reason: string | null = null,
  terminalAt: number | null = null,
): OrderFact => ({
  orderId,
  status,
  reason,
  sagaId: `saga-${orderId}`,
  sagaStatus: status === 'confirmed' ? 'completed' : status === 'cancelled' ? 'compensated' : 'running',
  failureReason: reason,
  terminalAt,
});

const request = (sentAtMs: number, answeredAtMs: number, result: OrderRequest['result']): OrderRequest => ({
  index: 0,
  intent: 'ok',
  sentAtMs,
  answeredAtMs,
  result,
});

describe('the outcomes figure', () => {
  it("reads an order's outcome from its status and reason", () => {
    expect(outcomeOf(fact('a', 'confirmed'))).toBe('confirmed');
    expect(outcomeOf(fact('a', 'cancelled', 'reserve-inventory: insufficient stock for KIT'))).toBe(
      'cancelled: out of stock',
    );
    expect(outcomeOf(fact('a', 'cancelled', 'charge-payment: card declined'))).toBe('cancelled: declined');
    expect(outcomeOf(fact('a', 'cancelled', 'compensation of reserve-inventory timed out'))).toBe(
      'cancelled: other',
    );
    expect(outcomeOf(fact('a', 'pending'))).toBe('pending');
    expect(outcomeOf(undefined)).toBe('not in the database');
  });

  it('passes at 99.5% of accepted orders ending as intended, and lists each exception', () => {
    const accepted: AcceptedOrder[] = Array.from({ length: 200 }, (_, i) => ({
      orderId: `o${i}`,
      intent: 'ok',
      sentAtMs: i,
      source: 'load',
    }));
    const facts = new Map(accepted.map((o) => [o.orderId, fact(o.orderId, 'confirmed')]));
    expect(outcomes(accepted, facts)).toMatchObject({ pass: true, share: 1, exceptions: [] });
    facts.set('o7', fact('o7', 'cancelled', 'reserve-inventory: timed out'));
    const one = outcomes(accepted, facts);
    expect(one).toMatchObject({ pass: true, asIntended: 199, share: 0.995 });
    expect(one.exceptions).toEqual([
      expect.objectContaining({
        orderId: 'o7',
        intent: 'ok',
        outcome: 'cancelled: other',
        failureReason: 'reserve-inventory: timed out',
      }),
    ]);
    facts.delete('o8');
    expect(outcomes(accepted, facts).pass).toBe(false);
    expect(outcomes([], facts).pass).toBe(false);
  });
});

describe('the availability figure', () => {
  it('counts refusals of requests made while every service had a replica up, and those in a kill-both apart', () => {
    const requests = [
      ...Array.from({ length: 400 }, (_, i) => request(i * 50, i * 50 + 20, 'accepted')),
      { ...request(1_000, 6_000, '504'), code: 'GATEWAY_UPSTREAM_TIMEOUT' },
      // Overlaps the orders outage, and its grace after the replicas are back.
      request(10_100, 10_200, '503'),
      request(12_000 + OUTAGE_GRACE_MS - 1, 12_000 + OUTAGE_GRACE_MS, 'network'),
    ];
    const figure = availability(requests, [
      { service: 'orders', fromMs: 10_000, toMs: 12_000 },
      { service: 'inventory', fromMs: 0, toMs: 30_000 },
    ]);
    expect(figure.refused).toBe(1);
    expect(figure.refusedBy).toEqual({ '504 GATEWAY_UPSTREAM_TIMEOUT': 1 });
    expect(figure.duringOutages).toMatchObject({ refused: 2, refusedBy: { '503': 1, network: 1 } });
    expect(figure.pass).toBe(true);
    // Those sent from 10 s to 15 s overlap the orders outage and its grace: the second bucket
    // counts only the later ones, none refused.
    expect(figure.refusedByBucket).toEqual([1, 0]);
    expect(availability([...requests, request(100, 200, 'timeout')], []).pass).toBe(false);
  });
});

describe('the latency figure', () => {
  it('takes POST → final status, for the whole run and for orders sent within 10 s after a fault', () => {
    const startedAt = 1_000_000;
    const accepted: AcceptedOrder[] = [
      { orderId: 'a', intent: 'ok', sentAtMs: 0, source: 'load' },
      { orderId: 'b', intent: 'ok', sentAtMs: 5_000, source: 'load' },
      { orderId: 'c', intent: 'ok', sentAtMs: 20_000, source: 'load' },
      { orderId: 'd', intent: 'ok', sentAtMs: 21_000, source: 'load' },
      { orderId: 'e', intent: 'declined', sentAtMs: 6_000, source: 'fault' },
    ];
    const facts = new Map([
      ['a', fact('a', 'confirmed', null, startedAt + 100)],
      ['b', fact('b', 'confirmed', null, startedAt + 5_000 + 9_000)],
      ['c', fact('c', 'confirmed', null, startedAt + 20_000 + 300)],
      ['d', fact('d', 'pending')],
      ['e', fact('e', 'cancelled', 'charge-payment: declined', startedAt + 200_000)],
    ]);
    const figure = latency(accepted, facts, [4_000], startedAt);
    expect(figure.whole).toEqual({ count: 3, p50Ms: 300, p99Ms: 9_000, maxMs: 9_000 });
    expect(figure.afterFaults).toEqual({ count: 1, p50Ms: 9_000, p99Ms: 9_000, maxMs: 9_000 });
    expect(figure.p50ByBucketMs).toEqual([100, null, 300]);
  });

  it('percentile is nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([], 0.5)).toBeNull();
  });
});
