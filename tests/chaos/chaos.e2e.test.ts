import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { runChaos } from './harness.ts';
import { chargedOnce, type InvariantResult } from './invariants.ts';
import { formatReport } from './report.ts';
import type { Fault } from './schedule.ts';

/**
 * A short chaos run on real processes, two replicas of every service: 30 s of orders at 10/s
 * through the gateway while one orders replica is frozen for a moment (behind the gateway) and one
 * inventory replica past its Kafka session, poison messages land on users.events and
 * inventory.commands, the other orders replica (an orchestrator host) and a payments participant
 * are killed (SIGKILL, SIGTERM) and the payments backends are terminated. Every invariant must
 * hold, every accepted order must end as intended (outcomes ≥ 99.5%) and at most 0.5% of requests
 * may be refused (one replica of each service was always up).
 * Kafka restarts, kill-both and failing-compensation are left to `npm run chaos` (the CI budget).
 */
const schedule: Fault[] = [
  { kind: 'poison', atMs: 3_000, topic: 'usersEvents', flavour: 'no-type' },
  // Answers nothing for 3 s: the gateway must send its share to the other orders replica.
  { kind: 'pause', atMs: 4_000, service: 'orders', replica: 0, pauseMs: 3_000 },
  // Longer than the consumers' 10 s session: its partitions move while it holds work.
  { kind: 'pause', atMs: 5_000, service: 'inventory', replica: 0, pauseMs: 11_000 },
  { kind: 'poison', atMs: 9_000, topic: 'inventoryCommands', flavour: 'bad-bytes' },
  // The other orders replica, 2.5 s after the paused one woke: the gateway must have readmitted
  // that one by its /ready (a cool-down of 10 s alone refused 80 orders here, README "What it found").
  {
    kind: 'kill-orchestrator',
    atMs: 9_500,
    service: 'orders',
    replica: 1,
    role: 'orders saga orchestrator',
    signal: 'SIGKILL',
    restartAfterMs: 1_000,
  },
  { kind: 'drop-db', atMs: 15_000, service: 'payments' },
  {
    kind: 'kill-participant',
    atMs: 22_000,
    service: 'payments',
    replica: 0,
    role: 'payments saga participant',
    signal: 'SIGTERM',
    restartAfterMs: 1_000,
  },
];

describe('chaos: two replicas under pauses, poison, kills and dropped database connections', () => {
  it('ends with every invariant and figure holding, and the checks catch a duplicate charge made on purpose', async () => {
    let tampered: InvariantResult | undefined;
    const report = await runChaos({
      infra: inject('infra'),
      seed: 20261125,
      durationMs: 30_000,
      rate: 10,
      replicas: 2,
      faults: ['poison', 'pause', 'kill-orchestrator', 'kill-participant', 'drop-db'],
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
    expect(report.injected.flatMap((f) => f.problems)).toEqual([]);
    // A service that dies on its own (e.g. on pg_terminate_backend) is a finding, not noise.
    expect(report.unexpectedExits, JSON.stringify(report.unexpectedExits)).toEqual([]);
    expect(report.quiescence.reached).toBe(true);
    for (const invariant of report.invariants)
      expect(invariant, invariant.details.join('\n')).toMatchObject({ pass: true });
    // Each poison message is in its dead-letter topic, from every reader of its topic (3 + 1).
    expect(report.invariants.find((i) => i.name.startsWith('6.'))?.counts.poison).toBeGreaterThanOrEqual(4);
    expect(report.outcomes.pass, JSON.stringify(report.outcomes.exceptions.slice(0, 5))).toBe(true);
    expect(report.availability.pass, JSON.stringify(report.availability.refusedBy)).toBe(true);
    expect(report.pass).toBe(true);
    // The mix reached every outcome.
    expect(report.outcomes.byIntent.ok.confirmed).toBeGreaterThan(0);
    expect(report.outcomes.byIntent['out-of-stock']['cancelled: out of stock']).toBeGreaterThan(0);
    expect(report.outcomes.byIntent.declined['cancelled: declined']).toBeGreaterThan(0);
    expect(tampered?.pass).toBe(false);
  }, 300_000);
});
