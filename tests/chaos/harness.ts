import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevStack } from '@conveyor/devstack';
import { type InfraEndpoints, loadInfraConfig } from '@conveyor/infra-local';
import { type InjectedFault, runFaults } from './faults.ts';
import {
  type AcceptedOrder,
  type AvailabilityFigure,
  availability,
  type LatencyFigure,
  latency,
  type OutcomesFigure,
  outcomes,
} from './figures.ts';
import { checkInvariants, type InvariantContext, type InvariantResult } from './invariants.ts';
import { createUsers, devToken, fetchCatalogue, type LoadResult, runLoad } from './load.ts';
import { readOrderFacts } from './order-facts.ts';
import { type Intent, pickProducts, planOrders, unitsNeeded } from './plan.ts';
import { type QuiescenceState, waitForQuiescence } from './quiescence.ts';
import { buildSchedule, type Fault, type FaultKind, mulberry32 } from './schedule.ts';
import { receiveStock } from './stock.ts';
import { everyProcess, Supervisor, type UnexpectedExit } from './supervisor.ts';
import { countSends, sampleTimeline, type TimelineSample } from './timeline.ts';
import { deleteNamespaceTopics } from './topics.ts';

export interface ChaosOptions {
  infra: InfraEndpoints;
  seed: number;
  durationMs: number;
  /** Orders per second. */
  rate: number;
  faults: readonly FaultKind[];
  /** Processes per service. @default 2 */
  replicas?: number;
  /** Bound of the wait for quiescence. @default 90000 */
  quiescenceTimeoutMs?: number;
  /** Keep the databases and the topics (the logs are always kept). @default false */
  keep?: boolean;
  /** @default 8 */
  users?: number;
  log?: (line: string) => void;
  /** Called after quiescence and before the checks, with the stack (tests break things here). */
  beforeChecks?: (stack: DevStack) => Promise<void>;
  /** Called after the checks, before teardown, with what the checks read (tests tamper and re-check here). */
  afterChecks?: (ctx: InvariantContext, stack: DevStack) => Promise<void>;
  /** An explicit schedule instead of the seeded one (tests). */
  schedule?: Fault[];
}

export interface ChaosReport {
  seed: number;
  durationMs: number;
  rate: number;
  replicas: number;
  faultKinds: readonly FaultKind[];
  namespace: string;
  logDir: string;
  schedule: Fault[];
  injected: InjectedFault[];
  /** Processes that exited without being killed on purpose (each one fails the run). */
  unexpectedExits: UnexpectedExit[];
  sent: Record<Intent, number>;
  /** Units received into stock before the load, so that every order's intent holds. */
  receivedUnits: number;
  skipped: number;
  outcomes: OutcomesFigure;
  availability: AvailabilityFigure;
  latency: LatencyFigure;
  /** Orders in the database that no 202 reported (e.g. a 504 after the order was taken). */
  unreportedOrders: number;
  quiescence: { reached: boolean; tookMs: number; state: QuiescenceState; error?: string };
  invariants: InvariantResult[];
  /** Commands and compensations the orchestrator sent, resends among them. */
  sends: { sends: number; resends: number };
  /** The completed saga resent the most, as the admin API shows it (or why it could not be read). */
  timeline: TimelineSample | string | undefined;
  timings: {
    startMs: number;
    /** Load plus the restarts and replays still running when it ended. */
    loadMs: number;
    quiescenceMs: number;
    checksMs: number;
    totalMs: number;
  };
  pass: boolean;
}

/** Share of the load after which no fault starts (the schedule keeps the last 15% free too). */
const FAULT_FREE_TAIL_STARTS = 0.85;

/** Orders each failing-compensation fault places (and needs stock for). */
const SABOTAGED_ORDERS = 1;

/** Starts a stack, runs load and faults, waits for quiescence, checks invariants and figures, tears down. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const replicas = options.replicas ?? 2;
  const t0 = Date.now();
  const namespace = `chaos_${options.seed}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const logDir = mkdtempSync(join(tmpdir(), 'conveyor-chaos-'));
  const schedule =
    options.schedule ??
    buildSchedule({ seed: options.seed, durationMs: options.durationMs, kinds: options.faults, replicas });
  const stack = new DevStack({
    rootDir: loadInfraConfig().rootDir,
    infra: options.infra,
    databasePrefix: namespace,
    topicNamespace: namespace,
    ports: 'free',
    replicas,
    logDir,
    env: { gateway: { RATE_LIMIT_MAX: '1000000' } },
  });
  log(`starting the stack (${replicas} replicas, namespace ${namespace}, logs in ${logDir})`);
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
    const gatewayUrl = stack.url('gateway');
    const adminToken = devToken(randomUUID(), ['admin']);
    const users = await createUsers(gatewayUrl, options.users ?? 8, namespace);
    const catalogue = await fetchCatalogue(gatewayUrl, users[0]!.token);
    const plan = planOrders({
      random: mulberry32(options.seed ^ 0x5eed),
      rate: options.rate,
      durationMs: options.durationMs,
      users: users.length,
      catalogue,
    });
    const { spare } = pickProducts(catalogue);
    const needed = unitsNeeded(plan);
    const sabotages = schedule.filter((f) => f.kind === 'failing-compensation').length;
    if (sabotages > 0) needed.set(spare.id, sabotages * SABOTAGED_ORDERS);
    const received = await receiveStock(stack.databaseUrl('inventory'), needed);
    const receivedUnits = [...received.values()].reduce((a, b) => a + b, 0);
    log(
      `${users.length} users known to orders; ${plan.length} orders planned at ${options.rate}/s for ` +
        `${options.durationMs / 1000} s (${receivedUnits} units received into stock); ${schedule.length} faults`,
    );
    const loadStarted = Date.now();
    supervisor = new Supervisor(stack, loadStarted, log);
    supervisor.start();
    const [load, injected] = await Promise.all([
      runLoad({ gatewayUrl, plan, users, startedAt: loadStarted }),
      runFaults({
        stack,
        infra: options.infra,
        namespace,
        schedule,
        startedAt: loadStarted,
        injectUntilMs: FAULT_FREE_TAIL_STARTS * options.durationMs,
        supervisor,
        operator: {
          user: users[0]!,
          adminToken,
          spareProductId: spare.id,
          ordersPerFault: SABOTAGED_ORDERS,
        },
        log,
      }),
    ]);
    const tLoaded = Date.now();
    const accepted = acceptedOrders(load, injected);
    log(`load over: ${accepted.length} orders accepted; waiting for quiescence`);
    const q = await waitForQuiescence(
      {
        databaseUrl: (s) => stack.databaseUrl(s),
        kafkaBrokers: options.infra.kafkaBrokers,
        topicNamespace: namespace,
        allRunning: () => everyProcess(stack).every(({ process }) => process.running),
      },
      options.quiescenceTimeoutMs ?? 90_000,
    );
    const tQuiet = Date.now();
    log(`${q.state.quiet ? 'quiet' : 'NOT quiet'} after ${(q.tookMs / 1000).toFixed(1)} s`);
    await options.beforeChecks?.(stack);
    const context: InvariantContext = {
      databaseUrl: (s) => stack.databaseUrl(s),
      kafkaBrokers: options.infra.kafkaBrokers,
      topicNamespace: namespace,
      receivedStock: received,
      poison: injected.flatMap((f) => (f.poison ? [f.poison] : [])),
      sabotaged: injected.flatMap((f) => f.sabotaged ?? []),
    };
    const invariants = await checkInvariants(context);
    const facts = await readOrderFacts(stack.databaseUrl('orders'));
    const outcomeFigure = outcomes(accepted, facts);
    const availabilityFigure = availability(
      load.requests,
      injected.flatMap((f) => (f.outage ? [f.outage] : [])),
    );
    const latencyFigure = latency(
      accepted,
      facts,
      injected.filter((f) => f.outcome === 'injected').map((f) => f.atMs),
      loadStarted,
    );
    const known = new Set(accepted.map((o) => o.orderId));
    const sends = await countSends(stack.databaseUrl('orders'));
    const timeline = await sampleTimeline(stack.databaseUrl('orders'), gatewayUrl, adminToken).catch(
      (error: unknown) => `not read: ${(error as Error).message}`,
    );
    await supervisor.stop();
    const tChecked = Date.now();
    await options.afterChecks?.(context, stack);
    const sent: Record<Intent, number> = { ok: 0, 'out-of-stock': 0, declined: 0 };
    for (const r of load.requests) sent[r.intent]++;
    report = {
      seed: options.seed,
      durationMs: options.durationMs,
      rate: options.rate,
      replicas,
      faultKinds: options.faults,
      namespace,
      logDir,
      schedule,
      injected,
      unexpectedExits: supervisor.exits,
      sent,
      receivedUnits,
      skipped: load.skipped,
      outcomes: outcomeFigure,
      availability: availabilityFigure,
      latency: latencyFigure,
      unreportedOrders: [...facts.keys()].filter((id) => !known.has(id)).length,
      quiescence: { reached: q.state.quiet, tookMs: q.tookMs, state: q.state, error: q.error },
      invariants,
      sends,
      timeline,
      timings: {
        startMs: tStarted - t0,
        loadMs: tLoaded - loadStarted,
        quiescenceMs: tQuiet - tLoaded,
        checksMs: tChecked - tQuiet,
        totalMs: 0,
      },
      pass:
        q.state.quiet &&
        injected.every((f) => f.problems.length === 0) &&
        supervisor.exits.length === 0 &&
        invariants.every((i) => i.pass) &&
        outcomeFigure.pass &&
        availabilityFigure.pass,
    };
  } finally {
    await supervisor?.stop();
    await stack.stop();
    if (!options.keep) {
      await stack.dropDatabases();
      await deleteNamespaceTopics(options.infra.kafkaBrokers, namespace).catch((error: unknown) =>
        log(`the run's topics were not deleted: ${(error as Error).message}`),
      );
    }
  }
  report.timings.totalMs = Date.now() - t0;
  return report;
}

/** The load's accepted orders, and the declined ones failing-compensation placed itself. */
function acceptedOrders(load: LoadResult, injected: readonly InjectedFault[]): AcceptedOrder[] {
  const fromLoad = load.requests.flatMap((r) =>
    r.result === 'accepted' && r.orderId
      ? [{ orderId: r.orderId, intent: r.intent, sentAtMs: r.sentAtMs, source: 'load' as const }]
      : [],
  );
  const fromFaults = injected.flatMap((f) =>
    (f.sabotaged ?? []).map(
      (s): AcceptedOrder => ({
        orderId: s.orderId,
        intent: 'declined',
        sentAtMs: s.sentAtMs,
        source: 'fault',
      }),
    ),
  );
  return [...fromLoad, ...fromFaults];
}
