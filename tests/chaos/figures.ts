/**
 * The run's figures, computed from what the load saw and where the orders ended: pure functions,
 * so their thresholds and windows can be tested without a stack.
 */
import type { OrderRequest } from './load.ts';
import type { OrderFact } from './order-facts.ts';
import type { Intent } from './plan.ts';
import type { ServiceName } from './targets.ts';

/** At least this share of accepted orders must end as they would have without faults. */
export const OUTCOME_THRESHOLD = 0.995;
/** At most this share of the requests made while every service had a replica up may be refused. */
export const REFUSAL_THRESHOLD = 0.005;
/** "Made within 10 s after a fault", for the latency of orders placed into trouble. */
export const AFTER_FAULT_MS = 10_000;
/**
 * How long after every replica of a service is ready again its refusals still count as the
 * outage's: the gateway readmits an ejected instance when its /ready answers, asking every second
 * (READINESS_PROBE_INTERVAL_MS), so 3 s covers a probe round and its answer on a loaded machine.
 */
export const OUTAGE_GRACE_MS = 3_000;
/** Width of the time buckets (by when requests were sent) that show where refusals and delays were. */
export const LATENCY_BUCKET_MS = 10_000;

export type Outcome =
  | 'confirmed'
  | 'cancelled: out of stock'
  | 'cancelled: declined'
  | 'cancelled: other'
  | 'pending'
  | 'not in the database';

/** What an order of each intent ends as when nothing goes wrong. */
export const EXPECTED_OUTCOME: Record<Intent, Outcome> = {
  ok: 'confirmed',
  'out-of-stock': 'cancelled: out of stock',
  declined: 'cancelled: declined',
};

export function outcomeOf(fact: OrderFact | undefined): Outcome {
  if (!fact) return 'not in the database';
  if (fact.status === 'confirmed') return 'confirmed';
  if (fact.status !== 'cancelled') return 'pending';
  if (/insufficient stock/i.test(fact.reason ?? '')) return 'cancelled: out of stock';
  if (/declin/i.test(fact.reason ?? '')) return 'cancelled: declined';
  return 'cancelled: other';
}

/** An order the run placed and had accepted (202), with what it meant to do. */
export interface AcceptedOrder {
  orderId: string;
  intent: Intent;
  /** ms after the load started. */
  sentAtMs: number;
  /** The load's, or placed by a fault (failing-compensation) to be held up on purpose. */
  source: 'load' | 'fault';
}

export interface OutcomeException {
  orderId: string;
  intent: Intent;
  outcome: Outcome;
  reason: string | null;
  sagaStatus: string | null;
  failureReason: string | null;
}

export interface OutcomesFigure {
  pass: boolean;
  accepted: number;
  asIntended: number;
  share: number;
  byIntent: Record<Intent, Partial<Record<Outcome, number>>>;
  exceptions: OutcomeException[];
}

/** Every accepted order ends as its intent says (ok → confirmed, …); pass at OUTCOME_THRESHOLD. */
export function outcomes(
  accepted: readonly AcceptedOrder[],
  facts: ReadonlyMap<string, OrderFact>,
): OutcomesFigure {
  const byIntent: OutcomesFigure['byIntent'] = { ok: {}, 'out-of-stock': {}, declined: {} };
  const exceptions: OutcomeException[] = [];
  for (const order of accepted) {
    const fact = facts.get(order.orderId);
    const outcome = outcomeOf(fact);
    byIntent[order.intent][outcome] = (byIntent[order.intent][outcome] ?? 0) + 1;
    if (outcome !== EXPECTED_OUTCOME[order.intent])
      exceptions.push({
        orderId: order.orderId,
        intent: order.intent,
        outcome,
        reason: fact?.reason ?? null,
        sagaStatus: fact?.sagaStatus ?? null,
        failureReason: fact?.failureReason ?? null,
      });
  }
  const asIntended = accepted.length - exceptions.length;
  const share = accepted.length === 0 ? 0 : asIntended / accepted.length;
  return {
    pass: accepted.length > 0 && share >= OUTCOME_THRESHOLD,
    accepted: accepted.length,
    asIntended,
    share,
    byIntent,
    exceptions,
  };
}

/** A time every replica of a service was down on purpose (kill-both). */
export interface Outage {
  service: ServiceName;
  fromMs: number;
  toMs: number;
}

export interface AvailabilityFigure {
  pass: boolean;
  /** Requests made while every service had at least one replica up. */
  requests: number;
  refused: number;
  share: number;
  /** Refusals by result (HTTP status and problem code, network, timeout). */
  refusedBy: Record<string, number>;
  /** The same for the requests that overlapped an outage (reported apart, no threshold). */
  duringOutages: { requests: number; refused: number; refusedBy: Record<string, number> };
  /** Refusals counted against the threshold in each successive LATENCY_BUCKET_MS of sending: when they were. */
  refusedByBucket: number[];
}

/**
 * Refused requests among those made while every service had a replica up; pass at
 * REFUSAL_THRESHOLD. A request whose [sent, answered] overlaps an outage of the service it
 * addresses (plus OUTAGE_GRACE_MS) is counted apart. Every load request addresses orders.
 */
export function availability(
  requests: readonly OrderRequest[],
  outages: readonly Outage[],
  service: ServiceName = 'orders',
): AvailabilityFigure {
  const windows = outages.filter((o) => o.service === service);
  const inside = (r: OrderRequest) =>
    windows.some((w) => r.sentAtMs <= w.toMs + OUTAGE_GRACE_MS && r.answeredAtMs >= w.fromMs);
  const tally = (rs: readonly OrderRequest[]) => {
    const refusedBy: Record<string, number> = {};
    let refused = 0;
    for (const r of rs) {
      if (r.result === 'accepted') continue;
      refused++;
      const key = r.code ? `${r.result} ${r.code}` : r.result;
      refusedBy[key] = (refusedBy[key] ?? 0) + 1;
    }
    return { requests: rs.length, refused, refusedBy };
  };
  const counted = requests.filter((r) => !inside(r));
  const outside = tally(counted);
  const share = outside.requests === 0 ? 0 : outside.refused / outside.requests;
  const refusedByBucket: number[] = [];
  for (const r of counted) {
    const bucket = Math.floor(r.sentAtMs / LATENCY_BUCKET_MS);
    while (refusedByBucket.length <= bucket) refusedByBucket.push(0);
    if (r.result !== 'accepted') refusedByBucket[bucket]! += 1;
  }
  return {
    pass: outside.requests > 0 && share <= REFUSAL_THRESHOLD,
    ...outside,
    share,
    duringOutages: tally(requests.filter(inside)),
    refusedByBucket,
  };
}

export interface LatencySummary {
  /** Orders that reached their final status (the others have no latency). */
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface LatencyFigure {
  whole: LatencySummary;
  afterFaults: LatencySummary;
  /** p50 of the orders sent in each successive LATENCY_BUCKET_MS of the load: where the delays were. */
  p50ByBucketMs: (number | null)[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? null,
  };
}

/**
 * Order POST → final status (its OrderConfirmed or OrderCancelled recorded), for the whole run and
 * for the orders sent within AFTER_FAULT_MS after a fault was injected. `startedAt` is the epoch
 * ms the load's times count from. Orders a fault held up on purpose (their saga waited in failed
 * for an operator) are left out: their time is the fault's, not the stack's.
 */
export function latency(
  accepted: readonly AcceptedOrder[],
  facts: ReadonlyMap<string, OrderFact>,
  faultTimesMs: readonly number[],
  startedAt: number,
): LatencyFigure {
  const all: number[] = [];
  const afterFaults: number[] = [];
  const buckets: number[][] = [];
  for (const order of accepted) {
    if (order.source !== 'load') continue;
    const terminalAt = facts.get(order.orderId)?.terminalAt;
    if (terminalAt === null || terminalAt === undefined) continue;
    const ms = Math.max(0, terminalAt - (startedAt + order.sentAtMs));
    all.push(ms);
    const bucket = Math.floor(order.sentAtMs / LATENCY_BUCKET_MS);
    while (buckets.length <= bucket) buckets.push([]);
    buckets[bucket]!.push(ms);
    if (faultTimesMs.some((t) => order.sentAtMs >= t && order.sentAtMs <= t + AFTER_FAULT_MS))
      afterFaults.push(ms);
  }
  return {
    whole: summarize(all),
    afterFaults: summarize(afterFaults),
    p50ByBucketMs: buckets.map((values) =>
      percentile(
        [...values].sort((a, b) => a - b),
        0.5,
      ),
    ),
  };
}
