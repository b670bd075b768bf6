import type { AvroCodec, ConsumerRunnerOptions, Logger } from '@conveyor/events';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { SagaDatabase } from './db/tables.ts';
import type { SagaInput, Transition } from './decide.ts';
import type { SagaDefinition, SagaSecrets } from './definition.ts';
import type { SagaMetricsHooks } from './saga-metrics.ts';

export interface SagaOrchestratorOptions {
  /** The host service's database, migrated with eventsMigrations and sagaMigrations. */
  db: Kysely<SagaDatabase>;
  kafka: Kafka;
  codec: AvroCodec;
  /**
   * Every version of every saga type that sagas may run on: new sagas start on a type's newest
   * version, and each saga finishes on the version it started on.
   */
  // biome-ignore lint/suspicious/noExplicitAny: definitions of different data types live side by side
  definitions: SagaDefinition<any>[];
  /** @default 'saga.replies' */
  repliesTopic?: string;
  /** Inbox name of the replies consumer (and its group unless groupId is set). @default 'saga-orchestrator' */
  name?: string;
  /** Kafka consumer group of the replies consumer. @default name */
  groupId?: string;
  /**
   * kafkajs settings of the replies consumer. A killed orchestrator's partitions move to its
   * successor only after `sessionTimeout` (kafkajs default 30 s); lower it for faster takeover.
   * @default {}
   */
  consumerConfig?: ConsumerRunnerOptions<SagaDatabase>['consumerConfig'];
  /**
   * Partitions of the replies topic applied at the same time. Sagas are independent and a saga's
   * replies share its partition (their key is the saga id), so its transitions stay in order; one
   * partition at a time made every reply wait behind the other partitions' batches, and at 60
   * replies/s the orchestrator had no headroom left (its batches, and each hop's latency, grew).
   * @default 3
   */
  partitionsConsumedConcurrently?: number;
  /** How often the sweeper looks for steps due to be resent or past their deadline. @default 500 */
  sweepIntervalMs?: number;
  /** @default () => new Date() */
  clock?: () => Date;
  /** @default randomUUID */
  newId?: () => string;
  /** Jitter of the resend delays: a number in [0, 1) each call. @default Math.random */
  random?: () => number;
  logger?: Logger;
  metrics?: SagaMetricsHooks;
  /** Test seams for crash tests: called at the named points of the protocol. */
  hooks?: {
    afterStart?: (sagaId: string) => void | Promise<void>;
    beforeCommit?: (
      sagaId: string,
      input: SagaInput,
      transition: Transition<unknown>,
    ) => void | Promise<void>;
  };
}

export interface StartSagaOptions {
  /** @default a new UUID */
  sagaId?: string;
  /** Kept on every command and reply of the saga. @default the saga id */
  correlationId?: string;
  /**
   * Values commands need but nobody may read back (a card token): stored apart from the saga data,
   * passed to `commandData`, redacted in the log, deleted when the saga completes or is compensated.
   * @default {}
   */
  secrets?: SagaSecrets;
}

export type SagaAction = 'retry' | 'abort' | 'replay-compensations';

export interface SagaActionOptions {
  /** Why an operator aborts. @default 'aborted by an operator' */
  reason?: string;
  /**
   * Retry a compensation that has had all its attempts (that of a `failed` saga, say). A command
   * step needs no force: it has no cap on its sends, its deadline bounds it. @default false
   */
  force?: boolean;
}

/**
 * Runs sagas: starts them, consumes participants' replies, advances or compensates, and sweeps
 * due steps (resends on their schedule, deadlines that passed). Every transition is one transaction: the log rows, the new state (version
 * checked, row locked) and the next commands in the outbox commit together or not at all.
 */
