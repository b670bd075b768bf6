import {
  type AvroCodec,
  ConsumerRunner,
  type ConsumerRunnerOptions,
  type EventsDatabase,
  enqueueMessages,
  type IncomingMessage,
  type Logger,
  type OutgoingMessage,
} from '@conveyor/events';
import type { Kafka } from 'kafkajs';
import type { Kysely, Transaction } from 'kysely';
import { DEFAULT_REPLIES_TOPIC, SAGA_REPLY_TYPE, SagaHeaders } from './saga-headers.ts';

/** What a participant answers: success with data for the saga, or a refusal with a reason. */
export type ParticipantResult =
  | { outcome: 'success'; data?: unknown }
  | { outcome: 'failure'; reason: string };

/**
 * Runs the local transaction of one command. Decide a refusal before writing anything: a failure
 * reply commits in the same transaction as the inbox row, so writes made before it would stay.
 * Throwing (a bug, a lost connection) is not a refusal: the runner retries, then dead-letters.
 */
export type CommandHandler<DB extends EventsDatabase> = (
  command: IncomingMessage,
  trx: Transaction<DB>,
) => Promise<ParticipantResult>;

export interface SagaParticipantOptions<DB extends EventsDatabase> {
  kafka: Kafka;
  db: Kysely<DB>;
  codec: AvroCodec;
  /** Inbox name, e.g. `inventory-participant`; the consumer group too unless groupId is set. */
  name: string;
  /** Kafka consumer group. @default name */
  groupId?: string;
  /** The topic the orchestrator sends this participant's commands to. */
  commandsTopic: string;
  /** @default 'saga.replies' */
  repliesTopic?: string;
  /** Handlers by command message type. */
  handlers: Record<string, CommandHandler<DB>>;
  retry?: ConsumerRunnerOptions<DB>['retry'];
  logger?: Logger;
}

/**
 * A saga participant: consumes its command topic, dedupes by command id (the inbox), runs the
 * local transaction and writes the reply to its own outbox, all in one transaction.
 */
export function createSagaParticipant<DB extends EventsDatabase>(
  options: SagaParticipantOptions<DB>,
): ConsumerRunner<DB> {
  const repliesTopic = options.repliesTopic ?? DEFAULT_REPLIES_TOPIC;
  const handlers = Object.fromEntries(
    Object.entries(options.handlers).map(([type, handler]) => [
      type,
      async (command: IncomingMessage, trx: Transaction<DB>) => {
        const result = await handler(command, trx);
        await enqueueMessages(trx, options.codec.catalog, [sagaReplyMessage(command, result, repliesTopic)]);
      },
    ]),
  );
  return new ConsumerRunner<DB>({
    kafka: options.kafka,
    db: options.db,
    codec: options.codec,
    name: options.name,
    ...(options.groupId ? { groupId: options.groupId } : {}),
    topics: [options.commandsTopic],
    handlers,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The reply to a saga command, addressed back to the orchestrator (key: the saga id, for order). */
export function sagaReplyMessage(
  command: IncomingMessage,
  result: ParticipantResult,
  repliesTopic: string = DEFAULT_REPLIES_TOPIC,
): OutgoingMessage {
  const sagaId = command.headers[SagaHeaders.sagaId] ?? command.key;
  return {
    topic: repliesTopic,
    key: sagaId,
    type: SAGA_REPLY_TYPE,
    data: {
      sagaId,
      step: command.headers[SagaHeaders.step] ?? '',
      action: command.headers[SagaHeaders.action] === 'compensation' ? 'compensation' : 'command',
      commandId: command.messageId,
      outcome: result.outcome,
      dataJson: JSON.stringify(result.outcome === 'success' ? (result.data ?? null) : null),
      reason: result.outcome === 'failure' ? result.reason : null,
    },
    correlationId: command.correlationId,
    causationId: command.messageId,
    ...(command.traceparent ? { traceparent: command.traceparent } : {}),
  };
}
