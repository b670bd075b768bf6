import {
  type AvroCodec,
  ConsumerRunner,
  type ConsumerRunnerOptions,
  type EventsDatabase,
  enqueueMessages,
  type IncomingMessage,
  type Logger,
  type MessageHandler,
} from '@conveyor/events';
import type { Kafka } from 'kafkajs';
import type { Kysely, Transaction } from 'kysely';
import type { MessageTypeOf, ReplyOf } from './define-saga.ts';
import { DEFAULT_REPLIES_TOPIC } from './saga-headers.ts';
import { type ParticipantResult, sagaReplyMessage } from './saga-replies.ts';

/**
 * Runs the local transaction of one command of type `C` and answers with `C`'s reply payload.
 * Decide a refusal before writing anything: a failure reply commits in the same transaction as the
 * inbox row, so writes made before it would stay. Throwing (a bug, a lost connection) is not a
 * refusal: the runner retries, then dead-letters.
 */
export type CommandHandler<
  DB extends EventsDatabase,
  M = Record<string, unknown>,
  C extends MessageTypeOf<M> = MessageTypeOf<M>,
> =
  // Method syntax: a handler of one command type is also a handler of "a command" as the runner
  // calls it, which hands each handler only messages of its type, decoded with that type's schema.
  {
    handle(
      command: IncomingMessage<C, M[C]>,
      trx: Transaction<DB>,
    ): Promise<ParticipantResult<ReplyOf<M, C>>>;
  }['handle'];

/** A participant's handlers by command message type. */
export type CommandHandlers<DB extends EventsDatabase, M = Record<string, unknown>> = {
  [C in MessageTypeOf<M>]?: CommandHandler<DB, M, C>;
};

export interface SagaParticipantOptions<DB extends EventsDatabase, M = Record<string, unknown>> {
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
  /** Handlers by command message type; `M` (the generated MessageTypes) types their payloads and replies. */
  handlers: CommandHandlers<DB, M>;
  retry?: ConsumerRunnerOptions<DB>['retry'];
  logger?: Logger;
}

/**
 * A saga participant: consumes its command topic, dedupes by command id (the inbox), runs the
 * local transaction and writes the reply to its own outbox, all in one transaction.
 */
export function createSagaParticipant<DB extends EventsDatabase, M = Record<string, unknown>>(
  options: SagaParticipantOptions<DB, M>,
): ConsumerRunner<DB> {
  const repliesTopic = options.repliesTopic ?? DEFAULT_REPLIES_TOPIC;
  const typed: [string, CommandHandler<DB> | undefined][] = Object.entries(options.handlers);
  const handlers: Record<string, MessageHandler<DB>> = {};
  for (const [type, handler] of typed) {
    if (!handler) continue;
    handlers[type] = async (command, trx) => {
      const result = await handler(command, trx);
      await enqueueMessages(trx, options.codec.catalog, [sagaReplyMessage(command, result, repliesTopic)]);
    };
  }
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
