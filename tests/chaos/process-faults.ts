import { setTimeout as sleep } from 'node:timers/promises';
import type { DevStack } from '@conveyor/devstack';
import { processName, type Supervisor } from './supervisor.ts';
import type { ServiceName } from './targets.ts';

/**
 * One lane per service: a process fault waits until the previous one on the same service is over
 * (restarted, resumed). Two faults on two replicas at once would leave no replica serving, which
 * only kill-both may do; and stopping a process while it starts would be another fault than the
 * one scheduled. Faults on other services and the schedule itself go on meanwhile.
 */
export class ServiceLanes {
  private readonly lanes = new Map<ServiceName, Promise<unknown>>();

  run<T>(service: ServiceName, task: () => Promise<T>): Promise<T> {
    const result = (this.lanes.get(service) ?? Promise.resolve()).then(task);
    this.lanes.set(
      service,
      result.catch(() => undefined),
    );
    return result;
  }
}

export interface ProcessFaultContext {
  stack: DevStack;
  supervisor: Supervisor;
  lanes: ServiceLanes;
  /** ms since the load started. */
  now: () => number;
  /**
   * A fault its lane holds up past this time (ms since the load started) is not injected: the
   * run's last stretch stays fault-free, and the load would be over before it mattered.
   */
  injectUntilMs: number;
}

/** Throws when a lane held the fault up past the time faults may start. */
function assertInTime(context: ProcessFaultContext, service: ServiceName): number {
  const atMs = context.now();
  if (atMs > context.injectUntilMs)
    throw new Error(
      `${service} was busy with earlier faults until t+${(atMs / 1000).toFixed(1)}s, past the last time ` +
        `a fault may start (t+${(context.injectUntilMs / 1000).toFixed(1)}s)`,
    );
  return atMs;
}

/** What a process fault did, once it is over. */
export interface ProcessFaultResult {
  /** When it was injected (ms since the load started), after waiting for its lane. */
  atMs: number;
  /** When every target was ready again. */
  readyAtMs: number;
  note: string;
  failures: string[];
}

/**
 * Stops the given replicas of a service with the signal, all at once, restarts them after the
 * delay (ServiceProcess.start + waitReady) and resolves once each is ready again. The supervisor
 * leaves them alone meanwhile; a replica found dead before the stop is recorded as a crash, not as
 * this fault. `onInjected` is told when the stop is done.
 */
export function stopReplicas(
  context: ProcessFaultContext,
  service: ServiceName,
  replicas: readonly number[],
  options: {
    signal: 'SIGKILL' | 'SIGTERM';
    restartAfterMs: number;
    onInjected: (atMs: number, note: string) => void;
  },
): Promise<ProcessFaultResult> {
  const { stack, supervisor } = context;
  return context.lanes.run(service, async () => {
    const targets = replicas.map((replica) => ({
      name: processName(service, replica),
      process: stack.process(service, replica),
    }));
    assertInTime(context, service);
    for (const { name } of targets) await supervisor.hold(name);
    const atMs = context.now();
    for (const { name, process } of targets) if (!process.running) supervisor.recordExit(name, atMs);
    const codes = await Promise.all(targets.map(({ process }) => process.stop(options.signal, 20_000)));
    const note = targets
      .map(({ name }, i) => `${name} exited (code ${codes[i]}) on ${options.signal}`)
      .join(', ');
    options.onInjected(atMs, note);
    await sleep(options.restartAfterMs);
    const failures: string[] = [];
    await Promise.all(
      targets.map(async ({ name, process }) => {
        process.start();
        try {
          await process.waitReady(120_000);
        } catch (error) {
          failures.push(`${name}: RESTART FAILED: ${(error as Error).message}`);
          // Started once more here, as a supervisor would, rather than counted again as a crash.
          await process.stop();
          process.start();
          await process.waitReady(120_000).catch((again: unknown) => {
            failures.push(`${name}: SECOND RESTART FAILED: ${(again as Error).message}`);
          });
        } finally {
          supervisor.release(name);
        }
      }),
    );
    return { atMs, readyAtMs: context.now(), note, failures };
  });
}

/**
 * SIGSTOP, then SIGCONT after `pauseMs`: the process keeps its sockets and its partitions while it
 * is frozen (connections to it are accepted by the kernel and never answered), and its Kafka
 * session may expire while it holds work. Not a crash: the supervisor sees it running throughout.
 * Resolves once it is ready again.
 */
export function pauseReplica(
  context: ProcessFaultContext,
  service: ServiceName,
  replica: number,
  options: { pauseMs: number; onInjected: (atMs: number, note: string) => void },
): Promise<ProcessFaultResult> {
  return context.lanes.run(service, async () => {
    const name = processName(service, replica);
    const target = context.stack.process(service, replica);
    const pid = target.pid;
    if (pid === undefined) throw new Error(`${name} is not running`);
    const atMs = assertInTime(context, service);
    process.kill(pid, 'SIGSTOP');
    const note = `${name} (pid ${pid}) stopped with SIGSTOP for ${(options.pauseMs / 1000).toFixed(1)} s`;
    options.onInjected(atMs, note);
    try {
      await sleep(options.pauseMs);
    } finally {
      // Even when the run is torn down early: a stopped process ignores SIGTERM.
      if (target.pid === pid) process.kill(pid, 'SIGCONT');
    }
    const failures: string[] = [];
    try {
      await target.waitReady(60_000);
    } catch (error) {
      failures.push(`${name}: NOT READY AFTER SIGCONT: ${(error as Error).message}`);
    }
    return { atMs, readyAtMs: context.now(), note: `${note}, then SIGCONT`, failures };
  });
}
