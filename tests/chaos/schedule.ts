/**
 * The fault schedule of a chaos run: pure, deterministic in (seed, duration, kinds).
 * The same inputs always give the same list (mulberry32 PRNG, no clock, no Math.random).
 */

export const FAULT_KINDS = [
  'kill-consumer',
  'kill-relay',
  'kill-orchestrator',
  'kill-participant',
  'restart-kafka',
  'drop-db',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type ServiceName = 'users' | 'inventory' | 'payments' | 'orders';

/** Which processes host which role (see docs/services.md and each service's main.ts). */
export const ROLE_HOSTS: Record<
  Exclude<FaultKind, 'restart-kafka' | 'drop-db'>,
  { service: ServiceName; role: string }[]
> = {
  'kill-consumer': [
    { service: 'orders', role: 'orders-users consumer' },
    { service: 'orders', role: 'orders.order-details projection' },
    { service: 'inventory', role: 'inventory order-confirmations consumer' },
  ],
  'kill-relay': [
    { service: 'users', role: 'users outbox relay' },
    { service: 'orders', role: 'orders outbox relay' },
    { service: 'inventory', role: 'inventory outbox relay' },
    { service: 'payments', role: 'payments outbox relay' },
  ],
  'kill-orchestrator': [{ service: 'orders', role: 'orders saga orchestrator' }],
  'kill-participant': [
    { service: 'inventory', role: 'inventory saga participant' },
    { service: 'payments', role: 'payments saga participant' },
    { service: 'orders', role: 'orders saga participant' },
  ],
};

export type Fault =
  | {
      kind: Exclude<FaultKind, 'restart-kafka' | 'drop-db'>;
      atMs: number;
      service: ServiceName;
      role: string;
      signal: 'SIGKILL' | 'SIGTERM';
      /** Delay between the process' exit and its restart. */
      restartAfterMs: number;
    }
  | { kind: 'restart-kafka'; atMs: number; restartAfterMs: number }
  | { kind: 'drop-db'; atMs: number; service: ServiceName };

export interface ScheduleOptions {
  seed: number;
  durationMs: number;
  kinds: readonly FaultKind[];
  /** Average gap between two faults. @default 6000 */
  meanGapMs?: number;
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES: readonly ServiceName[] = ['users', 'inventory', 'payments', 'orders'];

/**
 * Faults spread over the run: one per slot (slot = duration / count), at a random point in the
 * first half of the slot, so each fault (and its restart) is over before the next one starts and
 * the last one well before the load stops. Every requested kind appears at least once when there
 * are enough slots; the rest are drawn at random. Kinds are shuffled, targets and signals drawn.
 */
export function buildSchedule(options: ScheduleOptions): Fault[] {
  const { seed, durationMs, kinds } = options;
  if (kinds.length === 0 || durationMs <= 0) return [];
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Leave the first 3 s (warm-up) and the last 15% of the run without new faults.
  const start = Math.min(3_000, durationMs * 0.1);
  const usable = durationMs * 0.85 - start;
  const count = Math.max(1, Math.floor(usable / (options.meanGapMs ?? 6_000)));
  const sequence: FaultKind[] = [];
  const unique = [...new Set(kinds)];
  for (let i = 0; i < count; i++) sequence.push(i < unique.length ? unique[i]! : pick(unique));
  // Fisher-Yates with the seeded PRNG.
  for (let i = sequence.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sequence[i], sequence[j]] = [sequence[j]!, sequence[i]!];
  }
  const slot = usable / count;
  return sequence.map((kind, i): Fault => {
    const atMs = Math.round(start + i * slot + random() * slot * 0.4);
    // Restart within the slot: between 0.5 s and min(5 s, 40% of the slot).
    const restartAfterMs = Math.round(500 + random() * Math.max(0, Math.min(5_000, slot * 0.4) - 500));
    if (kind === 'drop-db') return { kind, atMs, service: pick(SERVICES) };
    if (kind === 'restart-kafka') return { kind, atMs, restartAfterMs };
    const host = pick(ROLE_HOSTS[kind]);
    const signal = random() < 0.5 ? 'SIGKILL' : 'SIGTERM';
    return { kind, atMs, service: host.service, role: host.role, signal, restartAfterMs };
  });
}

/** One line per fault, for reports and reproducibility checks. */
export function describeFault(fault: Fault): string {
  const at = `t+${(fault.atMs / 1000).toFixed(1)}s`;
  switch (fault.kind) {
    case 'drop-db':
      return `${at} drop-db pg_terminate_backend on ${fault.service}`;
    case 'restart-kafka':
      return `${at} restart-kafka (down ~${(fault.restartAfterMs / 1000).toFixed(1)}s)`;
    default:
      return `${at} ${fault.kind} ${fault.signal} ${fault.service} (${fault.role}), restart after ${(fault.restartAfterMs / 1000).toFixed(1)}s`;
  }
}
