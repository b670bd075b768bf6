/**
 * The fault schedule of a chaos run: pure, deterministic in (seed, duration, kinds, replicas).
 * The same inputs always give the same list (mulberry32 PRNG, no clock, no Math.random).
 */
import {
  type KillKind,
  POISON_TARGETS,
  type PoisonTopic,
  ROLE_HOSTS,
  SERVICES,
  type ServiceName,
} from './targets.ts';

export type { ServiceName } from './targets.ts';

export const FAULT_KINDS = [
  'kill-consumer',
  'kill-relay',
  'kill-orchestrator',
  'kill-participant',
  'kill-both',
  'pause',
  'poison',
  'failing-compensation',
  'restart-kafka',
  'drop-db',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type Fault =
  | {
      kind: KillKind;
      atMs: number;
      service: ServiceName;
      /** Which replica of the service (every replica hosts the role). */
      replica: number;
      role: string;
      signal: 'SIGKILL' | 'SIGTERM';
      /** Delay between the process' exit and its restart. */
      restartAfterMs: number;
    }
  /** Every replica of the service at once: the only fault whose refusals are expected. */
  | {
      kind: 'kill-both';
      atMs: number;
      service: ServiceName;
      signal: 'SIGKILL' | 'SIGTERM';
      restartAfterMs: number;
    }
  /** SIGSTOP, then SIGCONT after `pauseMs`: a frozen process that still holds its sockets and work. */
  | { kind: 'pause'; atMs: number; service: ServiceName; replica: number; pauseMs: number }
  /** A malformed message written straight onto a consumed topic. */
  | { kind: 'poison'; atMs: number; topic: PoisonTopic; flavour: PoisonFlavour }
  /** The participant's database refuses the write of a compensation until a saga has failed. */
  | { kind: 'failing-compensation'; atMs: number; service: 'inventory' }
  | { kind: 'restart-kafka'; atMs: number; restartAfterMs: number }
  | { kind: 'drop-db'; atMs: number; service: ServiceName };

/** `no-type`: no message-type header; `bad-bytes`: a handled type whose value is not Avro. */
export type PoisonFlavour = 'no-type' | 'bad-bytes';

export interface ScheduleOptions {
  seed: number;
  durationMs: number;
  kinds: readonly FaultKind[];
  /** Processes per service: which replica a fault hits is drawn among them. @default 2 */
  replicas?: number;
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

const KILL_KINDS: readonly string[] = Object.keys(ROLE_HOSTS);
const isKillKind = (kind: FaultKind): kind is KillKind => KILL_KINDS.includes(kind);

/** Pauses last from 2 s to 12 s: the longer ones outlast the consumers' 10 s Kafka session. */
const PAUSE_MIN_MS = 2_000;
const PAUSE_MAX_MS = 12_000;

/**
 * Faults spread over the run: one per slot (slot = duration / count), at a random point in the
 * first 40% of the slot, so each restart is over before the next fault starts and the last one well
 * before the load stops. Every requested kind appears at least once when there are enough slots
 * (a 60 s run has 8, a 120 s run 16); the rest are drawn at random. Kinds are shuffled, targets and signals drawn. A pause may outlast
 * its slot (up to 12 s); the injector holds a later fault on the same service until it is over.
 */
export function buildSchedule(options: ScheduleOptions): Fault[] {
  const { seed, durationMs, kinds } = options;
  const replicas = options.replicas ?? 2;
  if (kinds.length === 0 || durationMs <= 0) return [];
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Leave the first 3 s (warm-up) and the last 15% of the run without new faults.
  const start = Math.min(3_000, durationMs * 0.1);
  const usable = durationMs * 0.85 - start;
  const count = Math.max(1, Math.floor(usable / (options.meanGapMs ?? 6_000)));
  // Fisher-Yates with the seeded PRNG.
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  // Shuffled before it is cut to the slots: a short run gets a drawn subset of the kinds, not the
  // first ones of the list every time.
  const unique = shuffle([...new Set(kinds)]);
  const sequence: FaultKind[] = [];
  for (let i = 0; i < count; i++) sequence.push(i < unique.length ? unique[i]! : pick(unique));
  shuffle(sequence);
  const slot = usable / count;
  return sequence.map((kind, i): Fault => {
    const atMs = Math.round(start + i * slot + random() * slot * 0.4);
    // Restart within the slot: between 0.5 s and min(5 s, 40% of the slot).
    const restartAfterMs = Math.round(500 + random() * Math.max(0, Math.min(5_000, slot * 0.4) - 500));
    const replica = Math.floor(random() * replicas);
    if (isKillKind(kind)) {
      const host = pick(ROLE_HOSTS[kind]);
      const signal = random() < 0.5 ? 'SIGKILL' : 'SIGTERM';
      return { kind, atMs, service: host.service, replica, role: host.role, signal, restartAfterMs };
    }
    switch (kind) {
      case 'kill-both':
        return {
          kind,
          atMs,
          service: pick(SERVICES),
          signal: random() < 0.5 ? 'SIGKILL' : 'SIGTERM',
          restartAfterMs,
        };
      case 'pause':
        return {
          kind,
          atMs,
          service: pick(SERVICES),
          replica,
          pauseMs: Math.round(PAUSE_MIN_MS + random() * (PAUSE_MAX_MS - PAUSE_MIN_MS)),
        };
      case 'poison':
        return {
          kind,
          atMs,
          topic: pick(Object.keys(POISON_TARGETS) as PoisonTopic[]),
          flavour: random() < 0.5 ? 'no-type' : 'bad-bytes',
        };
      case 'failing-compensation':
        // Inventory only: its release-stock runs for every declined order, while a refund runs only
        // when confirm-order fails, which no order of the load is meant to do.
        return { kind, atMs, service: 'inventory' };
      case 'restart-kafka':
        return { kind, atMs, restartAfterMs };
      case 'drop-db':
        return { kind, atMs, service: pick(SERVICES) };
      default:
        throw new Error(`no schedule for fault kind ${kind}`);
    }
  });
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** One line per fault, for reports and reproducibility checks. */
export function describeFault(fault: Fault): string {
  const at = `t+${secs(fault.atMs)}`;
  switch (fault.kind) {
    case 'drop-db':
      return `${at} drop-db pg_terminate_backend on ${fault.service}`;
    case 'restart-kafka':
      return `${at} restart-kafka (down ~${secs(fault.restartAfterMs)})`;
    case 'kill-both':
      return `${at} kill-both ${fault.signal} every ${fault.service} replica, restart after ${secs(fault.restartAfterMs)}`;
    case 'pause':
      return `${at} pause SIGSTOP ${fault.service}#${fault.replica} for ${secs(fault.pauseMs)}`;
    case 'poison':
      return `${at} poison (${fault.flavour}) on ${fault.topic}`;
    case 'failing-compensation':
      return `${at} failing-compensation: ${fault.service} refuses release-stock until a saga fails`;
    default:
      return `${at} ${fault.kind} ${fault.signal} ${fault.service}#${fault.replica} (${fault.role}), restart after ${secs(fault.restartAfterMs)}`;
  }
}
