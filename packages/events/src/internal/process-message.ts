import type { Transaction } from 'kysely';
import { backoffDelay, sleepUnlessAborted } from '../consumer/backoff.ts';
import type { CompiledConsumerOptions } from '../consumer/consumer-options.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { decodeFailed, isConveyorError } from '../errors.ts';
import type { IncomingMessage } from '../messages/envelope.ts';
import { Headers, readHeaders } from '../messages/headers.ts';
import type { AnyMessageHandler } from './erase-handlers.ts';
import { applyOnce } from './inbox.ts';
import { type ConsumedRecord, messageIdOf, toIncomingMessage } from './incoming-message.ts';

/**
 * What became of one message. Every outcome but `abandoned` lets the partition move on;
 * `abandoned` (the runner is stopping during a backoff) leaves the offset unresolved, so the
 * message is delivered again after the restart.
 */
export type MessageOutcome = 'applied' | 'duplicate' | 'skipped' | 'dead-lettered' | 'abandoned';

export interface ProcessContext<DB extends EventsDatabase> {
  options: CompiledConsumerOptions<DB>;
  /** Sends the message to `<topic>.dlq` and resolves once Kafka acknowledged it. */
  deadLetter(record: ConsumedRecord, attempts: number, error: unknown): Promise<void>;
  /** Aborted when the runner stops: cuts a backoff short. */
  signal: AbortSignal;
}

/** A fetched message, decoded as far as the consumer needs it. */
export type PreparedMessage<DB extends EventsDatabase = EventsDatabase> =
  /** A type the consumer has no handler for. */
  | { kind: 'skip'; record: ConsumedRecord }
  | {
      kind: 'apply';
      record: ConsumedRecord;
      incoming: IncomingMessage;
      handler: AnyMessageHandler<Transaction<DB>>;
      /** The type's batch handler, when it has one: a run of such messages goes to it in one call. */
      batch: AnyMessageHandler<Transaction<DB>, readonly IncomingMessage[]> | undefined;
      where: Record<string, unknown>;
    }
  /** No type, or bytes the codec cannot read: the same every time, so dead-lettered without a retry. */
  | { kind: 'undecodable'; record: ConsumedRecord; error: unknown; where: Record<string, unknown> };

/** Decodes a message. A registry outage is not the message's fault: it is thrown. */
export async function prepareMessage<DB extends EventsDatabase>(
  options: CompiledConsumerOptions<DB>,
  record: ConsumedRecord,
): Promise<PreparedMessage<DB>> {
  const { topic, partition, message } = record;
  const headers = readHeaders(message.headers);
  const where = { topic, partition, offset: message.offset, messageId: messageIdOf(record, headers) };
  const type = headers[Headers.messageType];
  if (!type) {
    const error = decodeFailed(topic, `the message has no ${Headers.messageType} header`);
    return { kind: 'undecodable', record, error, where };
  }
  const handler = options.handlers.get(type);
  if (!handler) return { kind: 'skip', record };
  try {
    const data = await options.codec.decode(topic, type, message.value);
    const incoming = toIncomingMessage(record, headers, type, data);
    return { kind: 'apply', record, incoming, handler, batch: options.batchHandlers.get(type), where };
  } catch (error) {
    if (!isConveyorError(error, 'CONVEYOR_DECODE_FAILED')) throw error;
    return { kind: 'undecodable', record, error, where: { ...where, type } };
  }
}

/**
 * Dedupes and applies one prepared message in its own transaction, retrying the handler with
 * backoff and dead-lettering it after the last attempt (an undecodable one at once). Throws only
 * for failures that are not the message's (database or Kafka unavailable): the caller must then
 * not acknowledge it.
 */
export async function applyPrepared<DB extends EventsDatabase>(
  context: ProcessContext<DB>,
  prepared: PreparedMessage<DB>,
  heartbeat: () => Promise<void>,
  /** A failed attempt already made (in a batch that rolled back): it counts toward the attempts. */
  failed?: { error: unknown },
): Promise<MessageOutcome> {
  if (prepared.kind === 'skip') return 'skipped';
  if (prepared.kind === 'undecodable') {
    return deadLetterAt(context, prepared.record, 1, prepared.error, prepared.where);
  }
  const { db, name, retry, logger } = context.options;
  const { incoming, handler, where } = prepared;
  let lastError: unknown = failed?.error;
  for (let attempt = failed ? 2 : 1; attempt <= retry.attempts; attempt++) {
    if (attempt > 1) {
      if (!(await sleepUnlessAborted(backoffDelay(attempt - 1, retry), context.signal))) return 'abandoned';
      // A long backoff must not cost the partition: the group would hand it to another member.
      await heartbeat();
    }
    const result = await applyOnce(db, name, incoming.messageId, (trx) => handler(incoming, trx));
    if (result.status !== 'failed') return result.status;
    lastError = result.error;
    logger.warn(
      { ...where, type: incoming.type, attempt, attempts: retry.attempts, err: result.error },
      'message handler failed',
    );
  }
  return deadLetterAt(context, prepared.record, retry.attempts, lastError, { ...where, type: incoming.type });
}

async function deadLetterAt<DB extends EventsDatabase>(
  context: ProcessContext<DB>,
  record: ConsumedRecord,
  attempts: number,
  error: unknown,
  where: Record<string, unknown>,
): Promise<MessageOutcome> {
  await context.deadLetter(record, attempts, error);
  context.options.logger.error({ ...where, attempts, err: error }, 'message dead-lettered');
  return 'dead-lettered';
}
