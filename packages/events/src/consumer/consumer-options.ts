import { tracingEnabled } from '@conveyor/telemetry';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Kysely, Transaction } from 'kysely';
import type { AvroCodec } from '../codec/avro-codec.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { invalidOptions } from '../errors.ts';
import { type AnyMessageHandler, eraseHandlers } from '../internal/erase-handlers.ts';
import { tracedHandler } from '../internal/traced-handler.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { IncomingMessage } from '../messages/envelope.ts';
import { compileRetryOptions, type RetryOptions } from './backoff.ts';

/**
 * Applies one message. It runs inside the transaction that records the message id in the inbox:
 * write the effect through `trx` so that both commit together, or neither does.
 */
export type MessageHandler<
  DB extends EventsDatabase = EventsDatabase,
  TType extends string = string,
  TData = unknown,
> = (message: IncomingMessage<TType, TData>, trx: Transaction<DB>) => Promise<void>;

/**
 * Applies consecutive messages of one type of a partition's batch in one call, in order, inside
 * the transaction that records their ids in the inbox (ids it had seen are left out): one
 * multi-row statement where a handler writes row by row. A call that throws is not retried whole:
 * its messages are applied again one per call, each in its own transaction, so the one at fault is
 * retried and dead-lettered alone.
 */
export type BatchMessageHandler<
  DB extends EventsDatabase = EventsDatabase,
  TType extends string = string,
  TData = unknown,
> = (messages: readonly IncomingMessage<TType, TData>[], trx: Transaction<DB>) => Promise<void>;

/**
 * Handlers by message type (the `message-type` header); types without a handler are skipped.
 * Given the message catalogue `Types` (schemas' `MessageTypes`: type → payload), each handler
 * receives its own type's payload: `'user.created': (message) => message.data.email`.
 */
export type MessageHandlers<
  DB extends EventsDatabase = EventsDatabase,
  Types = Record<string, unknown>,
> = string extends keyof Types
  ? Record<string, MessageHandler<DB>>
  : { [K in keyof Types & string]?: MessageHandler<DB, K, Types[K]> };

/** Batch handlers by message type: for each type of MessageHandlers, the batch form of its handler. */
export type BatchMessageHandlers<
  DB extends EventsDatabase = EventsDatabase,
  Types = Record<string, unknown>,
> = { [K in keyof MessageHandlers<DB, Types>]?: BatchOf<NonNullable<MessageHandlers<DB, Types>[K]>> };

/** A handler of one message, as a handler of several. */
type BatchOf<Handler> = Handler extends (message: infer Message, trx: infer Trx) => Promise<void>
  ? (messages: readonly Message[], trx: Trx) => Promise<void>
  : never;

export type { RetryOptions };

/**
 * How a consumer group notices a member that is gone, shared by consumers and projections.
 * A member that stops cleanly leaves the group (kafkajs `disconnect()`), and its partitions move at
 * once; these settings are for one that dies (SIGKILL) or freezes (SIGSTOP).
 * - sessionTimeout 6 s, the broker's lowest (`group.min.session.timeout.ms`): a dead replica's
 *   partitions wait that long (plus a rebalance) for a survivor; kafkajs' 30 s would leave a saga
 *   step unanswered for half a minute.
 * - heartbeatInterval 1 s: a member can miss five heartbeats (a busy event loop, a slow broker
 *   answer) before the session expires, and survivors hear of a rebalance within a second. kafkajs
 *   heartbeats only when asked; consumers and projections ask between the messages of a batch (its
 *   transaction open) and between batches, never during a handler, so one handler call or a retry
 *   backoff must stay well under the session (the retry backoff is capped at 5 s by default).
 * - rebalanceTimeout 15 s: how long a rebalance waits for a live member to rejoin. Ours rejoin
 *   after the message in flight (they heartbeat after each one), so in practice a second or two;
 *   the bound keeps one stuck member from holding every partition of the group for kafkajs' 60 s.
 */
export const GROUP_MEMBERSHIP = {
  sessionTimeout: 6_000,
  heartbeatInterval: 1_000,
  rebalanceTimeout: 15_000,
} as const satisfies Pick<ConsumerConfig, 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout'>;

/**
 * `Types`: the message catalogue the handlers are typed by (type → payload), e.g. schemas'
 * `MessageTypes`. @default Record<string, unknown> (every handler receives `unknown` data)
 */
export interface ConsumerRunnerOptions<
  DB extends EventsDatabase = EventsDatabase,
  Types = Record<string, unknown>,
> {
  kafka: Kafka;
  /** The service's database: its `inbox` table dedupes, its transaction carries the effect. */
  db: Kysely<DB>;
  codec: AvroCodec;
  /** The consumer's name: its rows in `inbox.consumer` (the scope of "at most once") and its default group id. */
  name: string;
  /** Kafka consumer group. @default name */
  groupId?: string;
  topics: string[];
  handlers: MessageHandlers<DB, Types>;
  /** Types applied by runs instead of one by one (see BatchMessageHandler); a type has one kind. */
  batchHandlers?: BatchMessageHandlers<DB, Types>;
  retry?: RetryOptions;
  /** Where a group without committed offsets starts: the earliest message (true) or new ones only. @default true */
  fromBeginning?: boolean;
  /** Partitions worked at the same time; order is kept within each partition. @default 1 */
  partitionsConsumedConcurrently?: number;
  /**
   * Most messages of one partition applied in one transaction (their inbox rows in one statement,
   * then their effects in order). A batch that fails is applied again one message at a time, so
   * handlers must write only through `trx`. 1 gives each message its own transaction. @default 100
   */
  batchSize?: number;
  /**
   * Further kafkajs consumer settings (sessionTimeout, heartbeatInterval, fetch sizes).
   * `maxWaitTimeInMs` bounds how long `stop()` waits for an idle fetch to return.
   * @default { maxWaitTimeInMs: 1000, ...GROUP_MEMBERSHIP } (sessionTimeout 6000, heartbeatInterval 1000, rebalanceTimeout 15000)
   */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** @default silentLogger */
  logger?: Logger;
}

/** The options with every default applied and checked, as the runner uses them. */
export interface CompiledConsumerOptions<DB extends EventsDatabase = EventsDatabase> {
  kafka: Kafka;
  db: Kysely<DB>;
  codec: AvroCodec;
  name: string;
  groupId: string;
  topics: string[];
  /** Every type's handler of one message (a batch handler's type: its call with that message). */
  handlers: Map<string, AnyMessageHandler<Transaction<DB>>>;
  /** The batch handlers, by type (none with tracing on: each message is then its own call and span). */
  batchHandlers: Map<string, AnyMessageHandler<Transaction<DB>, readonly IncomingMessage[]>>;
  retry: Required<RetryOptions>;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  batchSize: number;
  consumerConfig: Omit<ConsumerConfig, 'groupId'>;
  logger: Logger;
}

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '';

/** Applies defaults and refuses bad options with CONVEYOR_INVALID_OPTIONS naming the option. */
export function compileConsumerOptions<DB extends EventsDatabase, Types>(
  options: ConsumerRunnerOptions<DB, Types>,
): CompiledConsumerOptions<DB> {
  const fail = (problem: string) => invalidOptions('consumer runner', problem);
  if (!isNonEmptyString(options.name)) throw fail('name must be a non-empty string');
  const groupId = options.groupId ?? options.name;
  if (!isNonEmptyString(groupId)) throw fail('groupId must be a non-empty string');
  if (
    !Array.isArray(options.topics) ||
    options.topics.length === 0 ||
    !options.topics.every(isNonEmptyString)
  ) {
    throw fail('topics must be a non-empty array of topic names');
  }
  const handlers = eraseHandlers<Transaction<DB>>(options.handlers ?? {});
  const batchHandlers = eraseHandlers<Transaction<DB>, readonly IncomingMessage[]>(
    options.batchHandlers ?? {},
  );
  if (handlers.size + batchHandlers.size === 0)
    throw fail('handlers must map at least one message type to a function');
  for (const [type, handler] of handlers) {
    if (typeof handler !== 'function') throw fail(`handlers["${type}"] must be a function`);
    if (batchHandlers.has(type)) throw fail(`"${type}" has both a handler and a batch handler; give it one`);
    handlers.set(type, tracedHandler(options.name, handler));
  }
  for (const [type, batch] of batchHandlers) {
    if (typeof batch !== 'function') throw fail(`batchHandlers["${type}"] must be a function`);
    handlers.set(
      type,
      tracedHandler<Transaction<DB>>(options.name, (message, trx) => batch([message], trx)),
    );
  }
  // Traced, every message is its own call, in a span continuing its own trace.
  if (tracingEnabled()) batchHandlers.clear();
  const retry = compileRetryOptions(options.retry, fail);
  const partitionsConsumedConcurrently = options.partitionsConsumedConcurrently ?? 1;
  if (!Number.isInteger(partitionsConsumedConcurrently) || partitionsConsumedConcurrently < 1) {
    throw fail(
      `partitionsConsumedConcurrently must be an integer >= 1, got ${partitionsConsumedConcurrently}`,
    );
  }
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw fail(`batchSize must be an integer >= 1, got ${batchSize}`);
  }
  return {
    kafka: options.kafka,
    db: options.db,
    codec: options.codec,
    name: options.name,
    groupId,
    topics: [...options.topics],
    handlers,
    batchHandlers,
    retry,
    fromBeginning: options.fromBeginning ?? true,
    partitionsConsumedConcurrently,
    batchSize,
    consumerConfig: { maxWaitTimeInMs: 1_000, ...GROUP_MEMBERSHIP, ...options.consumerConfig },
    logger: options.logger ?? silentLogger,
  };
}
