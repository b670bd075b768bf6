import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DevStack } from '@conveyor/devstack';
import { type InfraEndpoints, loadInfraConfig, up } from '@conveyor/infra-local';
import pg from 'pg';
// ProcessTable is not exported by the package index: the pid files of the local infra.
import { ProcessTable } from '../../infra/local/src/processes.ts';
import type { Fault } from './schedule.ts';

/** What happened to one scheduled fault. */
export interface InjectedFault {
  fault: Fault;
  /** Milliseconds since the load started, when it was actually injected. */
  atMs: number;
  outcome: 'injected' | 'skipped';
  note: string;
  /** How long the target was down (process exit → ready again), when it was restarted. */
  downMs?: number;
}

/** Whether the Kafka the stack uses is the local infra's broker (which this harness may restart). */
export function localKafka(infra: InfraEndpoints): boolean {
  const config = loadInfraConfig({ ...process.env, KAFKA_BROKERS: '' });
  const table = new ProcessTable(join(config.cacheDir, 'run'));
  return (
    table.running('kafka') !== undefined &&
    infra.kafkaBrokers.length === 1 &&
    infra.kafkaBrokers[0] === `127.0.0.1:${config.kafka.port}`
  );
}

/** Stops the local broker (SIGTERM, SIGKILL after 15 s), waits, and starts it again with `up()`. */
export async function restartKafka(downMs: number): Promise<void> {
  const config = loadInfraConfig({ ...process.env, KAFKA_BROKERS: '' });
  const table = new ProcessTable(join(config.cacheDir, 'run'));
  await table.stop('kafka');
  await sleep(downMs);
  await up(config);
}

/** Ends every connection to the service's database (except ours): pg_terminate_backend. */
export async function terminateBackends(serverUrl: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

export interface FaultInjectorOptions {
  stack: DevStack;
  infra: InfraEndpoints;
  schedule: Fault[];
  startedAt: number;
  supervisor: Supervisor;
  log?: (line: string) => void;
}

/**
 * Runs the schedule: at each fault's time, injects it; a killed process is restarted after its
 * delay (ServiceProcess.start + waitReady) in the background. `done` settles when every fault
 * and restart is over.
 */
export async function runFaults(options: FaultInjectorOptions): Promise<InjectedFault[]> {
  const { stack, schedule, startedAt } = options;
  const log = options.log ?? (() => undefined);
  const kafkaIsLocal = localKafka(options.infra);
  const results: InjectedFault[] = [];
  const restarts: Promise<void>[] = [];
  let kafkaBusy: Promise<void> = Promise.resolve();
  /** The restart in progress of each service: a new fault on it waits until it is ready again. */
  const restarting = new Map<string, Promise<void>>();
  for (const fault of schedule) {
    const wait = startedAt + fault.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    const atMs = Date.now() - startedAt;
    const record: InjectedFault = { fault, atMs, outcome: 'injected', note: '' };
    results.push(record);
    try {
      if (fault.kind === 'drop-db') {
        const n = await terminateBackends(options.infra.databaseUrl, stack.databaseName(fault.service));
        record.note = `${n} backends of ${stack.databaseName(fault.service)} terminated`;
      } else if (fault.kind === 'restart-kafka') {
        if (!kafkaIsLocal) {
          record.outcome = 'skipped';
          record.note = 'Kafka is external (KAFKA_BROKERS), not started by the local infra: not restarted';
        } else {
          await kafkaBusy;
          const begun = Date.now();
          kafkaBusy = restartKafka(fault.restartAfterMs).then(
            () => {
              record.downMs = Date.now() - begun;
              record.note = `broker stopped and back in ${((Date.now() - begun) / 1000).toFixed(1)} s`;
              log(`fault: kafka is back after ${record.downMs} ms`);
            },
            (error) => {
              record.note = `RESTART FAILED: ${(error as Error).message}`;
            },
          );
          record.note = 'broker stopping';
          restarts.push(kafkaBusy);
        }
      } else {
        const target = stack.process(fault.service);
        // The previous fault's restart of this process is still going: wait until it is ready
        // (killing it while it starts would be another fault than the one scheduled).
        const pendingRestart = restarting.get(fault.service);
        if (pendingRestart) await pendingRestart;
        await options.supervisor.hold(fault.service);
        record.atMs = Date.now() - startedAt;
        const begun = Date.now();
        if (!target.running) {
          // It died on its own between two supervisor checks: that is a crash, not this fault.
          options.supervisor.recordExit(fault.service, record.atMs, target.spec.name);
        }
        const code = await target.stop(fault.signal, 20_000);
        record.note = `${fault.service} pid exited (code ${code}) on ${fault.signal}; role ${fault.role}`;
        const restart = (async () => {
          await sleep(fault.restartAfterMs);
          target.start();
          try {
            await target.waitReady(120_000);
            record.downMs = Date.now() - begun;
            log(`fault: ${fault.service} restarted, ready after ${record.downMs} ms`);
          } catch (error) {
            record.note += `; RESTART FAILED: ${(error as Error).message}`;
          } finally {
            options.supervisor.release(fault.service);
          }
        })();
        restarting.set(fault.service, restart);
        restarts.push(restart);
      }
      log(`fault at t+${(record.atMs / 1000).toFixed(1)}s: ${fault.kind} ${record.note}`);
    } catch (error) {
      record.outcome = 'skipped';
      record.note = `failed to inject: ${(error as Error).message}`;
    }
  }
  await Promise.all(restarts);
  return results;
}

/** A process that exited without the harness asking (a crash), and its restart. */
export interface UnexpectedExit {
  member: string;
  /** Milliseconds since the load started when the exit was noticed. */
  atMs: number;
  exitCode: number | null;
  note: string;
}

/**
 * Watches every process of the stack like a process supervisor would: one that exits while the
 * fault injector did not stop it is recorded (a crash is a finding: the run fails) and restarted,
 * so the run goes on and the invariants are still checked.
 */
export class Supervisor {
  readonly exits: UnexpectedExit[] = [];
  private readonly held = new Set<string>();
  private readonly restarting = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stack: DevStack,
    private readonly startedAt: number,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.check(), 250);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.restarting.values());
  }

  /** The fault injector takes the process over (waits for a restart of ours first). */
  async hold(member: string): Promise<void> {
    await this.restarting.get(member);
    this.held.add(member);
  }

  /** A process found dead by the injector before it stopped it. */
  recordExit(member: string, atMs: number, name: string): void {
    this.exits.push({
      member,
      atMs,
      exitCode: null,
      note: `${name} was found dead when a fault was about to stop it`,
    });
  }

  release(member: string): void {
    this.held.delete(member);
  }

  private check(): void {
    for (const [member, p] of this.stack.processes) {
      if (p.running || this.held.has(member) || this.restarting.has(member)) continue;
      const record: UnexpectedExit = { member, atMs: Date.now() - this.startedAt, exitCode: null, note: '' };
      this.exits.push(record);
      const restart = (async () => {
        record.exitCode = await p.stop();
        this.log(`UNEXPECTED EXIT: ${member} exited with code ${record.exitCode}; restarting`);
        p.start();
        try {
          await p.waitReady(120_000);
          record.note = `restarted, ready after ${((Date.now() - this.startedAt - record.atMs) / 1000).toFixed(1)} s`;
        } catch (error) {
          record.note = `RESTART FAILED: ${(error as Error).message}`;
        }
      })().finally(() => this.restarting.delete(member));
      this.restarting.set(member, restart);
    }
  }
}
