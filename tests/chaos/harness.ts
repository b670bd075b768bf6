import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevStack, type SERVICE_NAMES } from '@conveyor/devstack';
import { type InfraEndpoints, loadInfraConfig } from '@conveyor/infra-local';
import pg from 'pg';
import { type InjectedFault, runFaults, Supervisor, type UnexpectedExit } from './faults.ts';
import { checkInvariants, type InvariantContext, type InvariantResult } from './invariants.ts';
import { createUsers, type Intent, runLoad } from './load.ts';
import { type QuiescenceState, waitForQuiescence } from './quiescence.ts';
import { buildSchedule, type Fault, type FaultKind, mulberry32 } from './schedule.ts';

export interface ChaosOptions {
  infra: InfraEndpoints;
  seed: number;
  durationMs: number;
  /** Orders per second. */
  rate: number;
  faults: readonly FaultKind[];
  /** Bound of the wait for quiescence. @default 90000 */
  quiescenceTimeoutMs?: number;
  /** Keep the databases (and say where the logs are). @default false */
  keep?: boolean;
  users?: number;
  log?: (line: string) => void;
  /** Called after quiescence and before the checks, with the stack (tests break things here). */
  beforeChecks?: (stack: DevStack) => Promise<void>;
  /** Called after the checks, before teardown, with what the checks read (tests tamper and re-check here). */
  afterChecks?: (ctx: InvariantContext, stack: DevStack) => Promise<void>;
  /** An explicit schedule instead of the seeded one (tests). */
  schedule?: Fault[];
}

export type OrderOutcome =
  | 'confirmed'
  | 'cancelled: out of stock'
  | 'cancelled: declined'
  | 'cancelled: other'
  | 'pending';

export interface ChaosReport {
  seed: number;
  durationMs: number;
  rate: number;
  faultKinds: readonly FaultKind[];
  namespace: string;
  logDir: string;
  schedule: Fault[];
  injected: InjectedFault[];
  /** Processes that exited without being killed on purpose (each one fails the run). */
  unexpectedExits: UnexpectedExit[];
  sent: Record<Intent, number>;
  refused: Record<string, number>;
  skipped: number;
  /** Outcome of every accepted order, by what it was meant to do. */
  outcomes: Record<Intent, Partial<Record<OrderOutcome, number>>>;
  /** Why orders ended 'cancelled: other' (ids masked), with counts. */
  otherReasons: Record<string, number>;
  /** Orders in the database that no 202 reported (e.g. a 502 after the order was taken). */
  unreportedOrders: number;
  quiescence: { reached: boolean; tookMs: number; state: QuiescenceState; error?: string };
  invariants: InvariantResult[];
  timings: {
    startMs: number /** Load plus the restarts still running when it ended. */;
    loadMs: number;
    quiescenceMs: number;
    checksMs: number;
    totalMs: number;
  };
  pass: boolean;
}

/** Starts a stack, runs load and faults, waits for quiescence, checks every invariant, tears down. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const t0 = Date.now();
  const namespace = `chaos_${options.seed}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const logDir = mkdtempSync(join(tmpdir(), 'conveyor-chaos-'));
  const schedule =
    options.schedule ??
    buildSchedule({ seed: options.seed, durationMs: options.durationMs, kinds: options.faults });
  const rootDir = loadInfraConfig().rootDir;
  const stack = new DevStack({
    rootDir,
    infra: options.infra,
    databasePrefix: namespace,
    topicNamespace: namespace,
    ports: 'free',
    logDir,
    env: {
      orders: { ORDERS_SAGA_STEP_TIMEOUT_MS: '5000' },
      gateway: { RATE_LIMIT_MAX: '1000000' },
    },
  });
  log(`starting the stack (namespace ${namespace}, logs in ${logDir})`);
  try {
    await stack.start();
  } catch (error) {
    // Known start-up race: two services registering the same subject at once can get
    // "A rule named 'COMPATIBILITY' already exists" from the registry and exit. One retry (the
    // subject exists by then); anything else, or a second failure, is the run's failure.
    log(`the stack did not start (${(error as Error).message}); retrying once`);
    try {
      await stack.start();
    } catch (again) {
      if (!options.keep) await stack.dropDatabases();
      throw again;
    }
  }
  const tStarted = Date.now();
  let report: ChaosReport;
  let supervisor: Supervisor | undefined;
  try {
    const users = await createUsers(stack.url('gateway'), options.users ?? 8, namespace);
    log(
      `${users.length} users known to orders; load ${options.rate}/s for ${options.durationMs / 1000} s, ${schedule.length} faults`,
    );
    const loadStarted = Date.now();
    supervisor = new Supervisor(stack, loadStarted, log);
    supervisor.start();
    const [load, injected] = await Promise.all([
      runLoad(
        {
          gatewayUrl: stack.url('gateway'),
          rootDir: rootDir,
          rate: options.rate,
          durationMs: options.durationMs,
          random: mulberry32(options.seed ^ 0x5eed),
        },
        users,
      ),
      runFaults({ stack, infra: options.infra, schedule, startedAt: loadStarted, supervisor, log }),
    ]);
    const tLoaded = Date.now();
    log(`load over: ${load.accepted.size} orders accepted; waiting for quiescence`);
    const databaseUrl = (s: (typeof SERVICE_NAMES)[number]) => stack.databaseUrl(s);
    const q = await waitForQuiescence(
      {
        databaseUrl,
        kafkaBrokers: options.infra.kafkaBrokers,
        topicNamespace: namespace,
        allRunning: () => [...stack.processes.values()].every((p) => p.running),
      },
      options.quiescenceTimeoutMs ?? 90_000,
    );
    const tQuiet = Date.now();
    log(
      q.state.quiet
        ? `quiet after ${(q.tookMs / 1000).toFixed(1)} s`
        : `NOT quiet after ${(q.tookMs / 1000).toFixed(1)} s`,
    );
    await options.beforeChecks?.(stack);
    const context: InvariantContext = {
      databaseUrl,
      kafkaBrokers: options.infra.kafkaBrokers,
      topicNamespace: namespace,
    };
    const invariants = await checkInvariants(context);
    const { outcomes, unreported, otherReasons } = await classify(stack.databaseUrl('orders'), load.accepted);
    await supervisor.stop();
    const tChecked = Date.now();
    await options.afterChecks?.(context, stack);
    const restartFailed = injected.some((f) => f.note.includes('FAILED'));
    report = {
      seed: options.seed,
      durationMs: options.durationMs,
      rate: options.rate,
      faultKinds: options.faults,
      namespace,
      logDir,
      schedule,
      injected,
      unexpectedExits: supervisor.exits,
      sent: load.sent,
      refused: load.refused,
      skipped: load.skipped,
      outcomes,
      unreportedOrders: unreported,
      otherReasons,
      quiescence: { reached: q.state.quiet, tookMs: q.tookMs, state: q.state, error: q.error },
      invariants,
      timings: {
        startMs: tStarted - t0,
        loadMs: tLoaded - loadStarted,
        quiescenceMs: tQuiet - tLoaded,
        checksMs: tChecked - tQuiet,
        totalMs: 0,
      },
      pass:
        q.state.quiet && !restartFailed && supervisor.exits.length === 0 && invariants.every((i) => i.pass),
    };
  } finally {
    await supervisor?.stop();
    await stack.stop();
    if (!options.keep) await stack.dropDatabases();
  }
  report.timings.totalMs = Date.now() - t0;
  return report;
}

async function classify(ordersUrl: string, accepted: Map<string, Intent>) {
  const client = new pg.Client({ connectionString: ordersUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ order_id: string; status: string; reason: string | null }>(
      'SELECT order_id::text, status, reason FROM order_views',
    );
    const outcomes: Record<Intent, Partial<Record<OrderOutcome, number>>> = {
      ok: {},
      'out-of-stock': {},
      declined: {},
    };
    let unreported = 0;
    const otherReasons: Record<string, number> = {};
    for (const row of rows) {
      const intent = accepted.get(row.order_id);
      if (!intent) {
        unreported++;
        continue;
      }
      const outcome: OrderOutcome =
        row.status === 'confirmed'
          ? 'confirmed'
          : row.status === 'pending'
            ? 'pending'
            : /insufficient stock/i.test(row.reason ?? '')
              ? 'cancelled: out of stock'
              : /declin/i.test(row.reason ?? '')
                ? 'cancelled: declined'
                : 'cancelled: other';
      outcomes[intent][outcome] = (outcomes[intent][outcome] ?? 0) + 1;
      if (outcome === 'cancelled: other') {
        const reason = (row.reason ?? '(none)').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');
        otherReasons[reason] = (otherReasons[reason] ?? 0) + 1;
      }
    }
    return { outcomes, unreported, otherReasons };
  } finally {
    await client.end();
  }
}
