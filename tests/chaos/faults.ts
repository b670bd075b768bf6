import { setTimeout as sleep } from 'node:timers/promises';
import type { DevStack } from '@conveyor/devstack';
import type { InfraEndpoints } from '@conveyor/infra-local';
import { failCompensations, type SabotagedSaga } from './failing-compensation.ts';
import { localKafka, restartKafka, terminateBackends } from './infra-faults.ts';
import type { User } from './load.ts';
import { type SentPoison, sendPoison } from './poison.ts';
import {
  type ProcessFaultContext,
  type ProcessFaultResult,
  pauseReplica,
  ServiceLanes,
  stopReplicas,
} from './process-faults.ts';
import type { Fault } from './schedule.ts';
import type { Supervisor } from './supervisor.ts';
import type { ServiceName } from './targets.ts';

/** What happened to one scheduled fault. */
export interface InjectedFault {
  fault: Fault;
  /** Milliseconds since the load started, when it was actually injected. */
  atMs: number;
  outcome: 'injected' | 'skipped';
  note: string;
  /** What did not end as it should (a restart that failed, a saga not compensated): each fails the run. */
  problems: string[];
  /** How long the target was out (stop → ready again, or pause → ready again). */
  downMs?: number;
  /** kill-both: from the stop until every replica of the service was ready again. */
  outage?: { service: ServiceName; fromMs: number; toMs: number };
  poison?: SentPoison;
  sabotaged?: SabotagedSaga[];
}

export interface FaultInjectorOptions {
  stack: DevStack;
  infra: InfraEndpoints;
  namespace: string;
  schedule: Fault[];
  startedAt: number;
  /** Process faults held up (by earlier ones on their service) past this time are skipped. */
  injectUntilMs: number;
  supervisor: Supervisor;
  /** What failing-compensation needs: a user, an admin token, the product kept for it, how many orders. */
  operator: { user: User; adminToken: string; spareProductId: string; ordersPerFault: number };
  log?: (line: string) => void;
}

/** The record's injection time and note, when a process fault's stop (or SIGSTOP) is done. */
const injected = (record: InjectedFault, log: (line: string) => void) => (atMs: number, note: string) => {
  record.atMs = atMs;
  record.note = note;
  logInjected(record, log);
};

const logInjected = (record: InjectedFault, log: (line: string) => void) =>
  log(`fault at t+${(record.atMs / 1000).toFixed(1)}s: ${record.fault.kind} ${record.note}`);

/** The record, once a process fault is over (every target ready again). */
const over = (record: InjectedFault) => (result: ProcessFaultResult) => {
  record.downMs = result.readyAtMs - result.atMs;
  record.note = result.note;
  record.problems.push(...result.failures);
};

/** A process fault that could not be injected (its target was not running, or its lane was too late). */
const unable = (record: InjectedFault) => (error: unknown) => {
  record.outcome = 'skipped';
  record.note = `failed to inject: ${(error as Error).message}`;
};

/**
 * Runs the schedule: at each fault's time, injects it. Restarts, resumes and the failing
 * compensations run in the background; the result settles when every one of them is over, with
 * `problems` for any that did not end as it should (the run then fails).
 */
export async function runFaults(options: FaultInjectorOptions): Promise<InjectedFault[]> {
  const { stack, schedule, startedAt, infra } = options;
  const log = options.log ?? (() => undefined);
  const now = () => Date.now() - startedAt;
  const kafkaIsLocal = localKafka(infra);
  const results: InjectedFault[] = [];
  const background: Promise<void>[] = [];
  const processes: ProcessFaultContext = {
    stack,
    supervisor: options.supervisor,
    lanes: new ServiceLanes(),
    now,
    injectUntilMs: options.injectUntilMs,
  };
  // One broker restart at a time, each after the previous one's `up()` (tens of seconds).
  let kafkaBusy: Promise<void> = Promise.resolve();
  // One failing compensation at a time: two refusals of the one spare product would refuse each
  // other's replays.
  let sabotageBusy: Promise<void> = Promise.resolve();
  for (const [index, fault] of schedule.entries()) {
    const wait = startedAt + fault.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    const record: InjectedFault = { fault, atMs: now(), outcome: 'injected', note: '', problems: [] };
    results.push(record);
    try {
      switch (fault.kind) {
        case 'drop-db': {
          const n = await terminateBackends(infra.databaseUrl, stack.databaseName(fault.service));
          record.note = `${n} backends of ${stack.databaseName(fault.service)} terminated`;
          break;
        }
        case 'restart-kafka': {
          if (!kafkaIsLocal) {
            record.outcome = 'skipped';
            record.note = 'Kafka is external (KAFKA_BROKERS), not started by the local infra: not restarted';
            break;
          }
          record.note = 'broker stopping once an earlier restart, if any, is over';
          kafkaBusy = kafkaBusy.then(async () => {
            record.atMs = now();
            const begun = Date.now();
            try {
              const { stopMs, startMs } = await restartKafka(fault.restartAfterMs);
              record.downMs = Date.now() - begun;
              record.note =
                `broker back in ${(record.downMs / 1000).toFixed(1)} s ` +
                `(stop ${(stopMs / 1000).toFixed(1)} s, start ${(startMs / 1000).toFixed(1)} s)`;
              log(`fault: kafka is back after ${record.downMs} ms`);
            } catch (error) {
              record.problems.push(`the broker did not come back: ${(error as Error).message}`);
            }
          });
          background.push(kafkaBusy);
          break;
        }
        case 'poison':
          // In the background: with the broker down the send waits for it (up to a minute).
          record.note = 'sending';
          background.push(
            sendPoison(infra.kafkaBrokers, options.namespace, fault.topic, fault.flavour).then(
              (poison) => {
                record.poison = poison;
                record.note = `message ${poison.messageId} written to ${poison.topic}; expected in its .dlq from ${poison.consumers.join(', ')}`;
              },
              (error) => {
                record.outcome = 'skipped';
                record.note = `failed to inject: ${(error as Error).message}`;
              },
            ),
          );
          break;
        case 'failing-compensation': {
          const { user, adminToken, spareProductId, ordersPerFault } = options.operator;
          record.note = 'refusing releases once an earlier failing-compensation, if any, is over';
          const sabotage = sabotageBusy
            .then(() => {
              record.atMs = now();
              return failCompensations({
                inventoryUrl: stack.databaseUrl('inventory'),
                ordersUrl: stack.databaseUrl('orders'),
                gatewayUrl: stack.url('gateway'),
                productId: spareProductId,
                user,
                adminToken,
                startedAt,
                name: `${index}`,
                orders: ordersPerFault,
                log,
              });
            })
            .then(
              (result) => {
                record.sabotaged = result.sagas;
                record.downMs = result.windowMs;
                record.note = result.note;
                record.problems.push(...result.problems);
              },
              (error) => {
                record.problems.push(`failing-compensation broke off: ${(error as Error).message}`);
              },
            );
          sabotageBusy = sabotage;
          background.push(sabotage);
          break;
        }
        case 'pause':
          background.push(
            pauseReplica(processes, fault.service, fault.replica, {
              pauseMs: fault.pauseMs,
              onInjected: injected(record, log),
            }).then(over(record), unable(record)),
          );
          break;
        case 'kill-both': {
          const replicas = stack.replicasOf(fault.service).map((_, i) => i);
          background.push(
            stopReplicas(processes, fault.service, replicas, {
              ...fault,
              onInjected: injected(record, log),
            }).then((result) => {
              over(record)(result);
              record.outage = { service: fault.service, fromMs: result.atMs, toMs: result.readyAtMs };
            }, unable(record)),
          );
          break;
        }
        default:
          background.push(
            stopReplicas(processes, fault.service, [fault.replica], {
              ...fault,
              onInjected: injected(record, log),
            }).then((result) => {
              over(record)(result);
              record.note += `; role ${fault.role}`;
            }, unable(record)),
          );
      }
      // Process faults are logged when their lane runs them (see `injected`).
      if (record.note) logInjected(record, log);
    } catch (error) {
      record.outcome = 'skipped';
      record.note = `failed to inject: ${(error as Error).message}`;
    }
  }
  await Promise.all(background);
  return results;
}
