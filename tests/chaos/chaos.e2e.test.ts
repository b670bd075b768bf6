import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { runChaos } from './harness.ts';
import { chargedOnce, type InvariantResult } from './invariants.ts';
import { formatReport } from './report.ts';
import type { Fault } from './schedule.ts';

/**
 * A short chaos run on real processes: 45 s of orders at 12/s through the gateway while the
 * orchestrator's host (orders), the participants (inventory, payments) and a relay (users) are
 * killed (SIGKILL and SIGTERM) and restarted, and the payments and orders databases' backends are
 * terminated. Every invariant
 * must hold. The Kafka restart is left out: it currently leaves the orders relay's idempotent
 * producer failing with OUT_OF_ORDER_SEQUENCE_NUMBER (see tests/chaos/README.md).
 */
const schedule: Fault[] = [
  // SIGTERM first: orders drains and is back in a few seconds. A SIGKILLed process needs ~30 s
  // (its consumers wait for the dead member's Kafka session to expire), so those come later.
  {
    kind: 'kill-orchestrator',
    atMs: 4_000,
    service: 'orders',
    role: 'orders saga orchestrator',
    signal: 'SIGTERM',
    restartAfterMs: 1_000,
  },
  {
    kind: 'kill-participant',
    atMs: 10_000,
    service: 'inventory',
    role: 'inventory saga participant',
    signal: 'SIGKILL',
    restartAfterMs: 1_000,
  },
  { kind: 'drop-db', atMs: 15_000, service: 'payments' },
  {
    kind: 'kill-participant',
    atMs: 20_000,
    service: 'payments',
    role: 'payments saga participant',
    signal: 'SIGTERM',
    restartAfterMs: 1_000,
  },
  {
    kind: 'kill-relay',
    atMs: 28_000,
    service: 'users',
    role: 'users outbox relay',
    signal: 'SIGKILL',
    restartAfterMs: 1_000,
  },
  { kind: 'drop-db', atMs: 32_000, service: 'orders' },
  // Sagas in flight lose their orchestrator; the restarted one must finish them.
  {
    kind: 'kill-orchestrator',
    atMs: 36_000,
    service: 'orders',
    role: 'orders saga orchestrator',
    signal: 'SIGKILL',
    restartAfterMs: 1_000,
  },
];

describe('chaos: orders under process kills and dropped database connections', () => {
  it('ends with every invariant holding, and the checks catch a duplicate charge made on purpose', async () => {
    let tampered: InvariantResult | undefined;
    const report = await runChaos({
      infra: inject('infra'),
      seed: 20261125,
      durationMs: 45_000,
      rate: 12,
      faults: ['kill-orchestrator', 'kill-participant', 'kill-relay', 'drop-db'],
      schedule,
      quiescenceTimeoutMs: 90_000,
      // The negative check: after the real checks, charge one completed order a second time
      // (a second PaymentCharged in the payments event store, as a consumer without its inbox
      // would) and run invariant 3 again: it must fail and name the order.
      afterChecks: async (ctx) => {
        const orders = new pg.Client({ connectionString: ctx.databaseUrl('orders') });
        await orders.connect();
        const { rows } = await orders.query(
          "SELECT v.order_id::text FROM order_views v JOIN saga_instances s ON s.id = v.saga_id WHERE s.status = 'completed' LIMIT 1",
        );
        await orders.end();
        const orderId = rows[0]!.order_id as string;
        const payments = new pg.Client({ connectionString: ctx.databaseUrl('payments') });
        await payments.connect();
        await payments.query(
          `INSERT INTO events (stream_id, stream_version, type, data, metadata)
             SELECT stream_id, stream_version + 1000, type, data, metadata FROM events
             WHERE type = 'PaymentCharged' AND data->>'orderId' = $1`,
          [orderId],
        );
        await payments.end();
        tampered = await chargedOnce(ctx);
        expect(tampered.details.join('\n')).toContain(`completed order ${orderId}: charged 2×`);
      },
    });
    console.log(formatReport(report));

    expect(report.injected.filter((f) => f.outcome === 'injected')).toHaveLength(schedule.length);
    expect(report.injected.map((f) => f.note).join('\n')).not.toContain('FAILED');
    // A service that dies on its own (e.g. on pg_terminate_backend) is a finding, not noise.
    expect(report.unexpectedExits, JSON.stringify(report.unexpectedExits)).toEqual([]);
    expect(report.quiescence.reached).toBe(true);
    for (const invariant of report.invariants)
      expect(invariant, invariant.details.join('\n')).toMatchObject({ pass: true });
    expect(report.pass).toBe(true);
    // The mix reached every outcome.
    expect(report.outcomes.ok.confirmed).toBeGreaterThan(0);
    expect(report.outcomes['out-of-stock']['cancelled: out of stock']).toBeGreaterThan(0);
    expect(report.outcomes.declined['cancelled: declined']).toBeGreaterThan(0);
    expect(tampered?.pass).toBe(false);
  }, 300_000);
});
