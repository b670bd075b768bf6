import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Kysely, Transaction } from 'kysely';
import type { AvroCodec } from '../codec/avro-codec.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { invalidOptions } from '../errors.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { IncomingMessage } from '../messages/envelope.ts';
import { compileRetryOptions, type RetryOptions } from './backoff.ts';

/**
 * Applies one message. It runs inside the transaction that records the message id in the inbox:
 * write the effect through `trx` so that both commit together, or neither does.
 */
export type MessageHandler<DB extends EventsDatabase = EventsDatabase> = (
  message: IncomingMessage,
  trx: Transaction<DB>,
) => Promise<void>;

/** Handlers by message type (the `message-type` header). Types without a handler are skipped. */
export type MessageHandlers<DB extends EventsDatabase = EventsDatabase> = Record<string, MessageHandler<DB>>;

export type { RetryOptions };

export interface ConsumerRunnerOptions<DB extends EventsDatabase = EventsDatabase> {
  kafka: Kafka;
  /** The service's database: its `inbox` table dedupes, its transaction carries the effect. */
  db: Kysely<DB>;
  codec: AvroCodec;
  /** The consumer's name: its rows in `inbox.consumer` (the scope of "at most once") and its default group id. */
  name: string;
  /** Kafka consumer group. @default name */
  groupId?: string;
  topics: string[];
  handlers: MessageHandlers<DB>;
  retry?: RetryOptions;
  /** Where a group without committed offsets starts: the earliest message (true) or new ones only. @default true */
  fromBeginning?: boolean;
  /** Partitions worked at the same time; order is kept within each partition. @default 1 */
  partitionsConsumedConcurrently?: number;
  /**
   * Further kafkajs consumer settings (sessionTimeout, heartbeatInterval, fetch sizes).
   * `maxWaitTimeInMs` bounds how long `stop()` waits for an idle fetch to return.
   * @default { maxWaitTimeInMs: 1000, sessionTimeout: 10000, heartbeatInterval: 1000 }
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
  handlers: Map<string, MessageHandler<DB>>;
  retry: Required<RetryOptions>;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  consumerConfig: Omit<ConsumerConfig, 'groupId'>;
  logger: Logger;
}

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '';

/** Applies defaults and refuses bad options with CONVEYOR_INVALID_OPTIONS naming the option. */
export function compileConsumerOptions<DB extends EventsDatabase>(
  options: ConsumerRunnerOptions<DB>,
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
  // A Map, so that a type named like an Object.prototype member ("constructor") never finds a handler.
  const handlers = new Map(Object.entries(options.handlers ?? {}));
  if (handlers.size === 0) throw fail('handlers must map at least one message type to a function');
  for (const [type, handler] of handlers) {
    if (typeof handler !== 'function') throw fail(`handlers["${type}"] must be a function`);
  }
  const retry = compileRetryOptions(options.retry, fail);
  const partitionsConsumedConcurrently = options.partitionsConsumedConcurrently ?? 1;
  if (!Number.isInteger(partitionsConsumedConcurrently) || partitionsConsumedConcurrently < 1) {
    throw fail(
      `partitionsConsumedConcurrently must be an integer >= 1, got ${partitionsConsumedConcurrently}`,
    );
  }
  return {
    kafka: options.kafka,
    db: options.db,
    codec: options.codec,
    name: options.name,
    groupId,
    topics: [...options.topics],
    handlers,
    retry,
    fromBeginning: options.fromBeginning ?? true,
    partitionsConsumedConcurrently,
    // kafkajs waits out a dead member's whole session (30 s by default) before its partitions move:
    // 10 s (the broker's minimum is 6 s) lets a restarted service resume sooner.
    consumerConfig: {
      maxWaitTimeInMs: 1_000,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      ...options.consumerConfig,
    },
    logger: options.logger ?? silentLogger,
  };
}
