import { backoffDelay, sleepUnlessAborted } from '../consumer/backoff.ts';
import type { CompiledConsumerOptions } from '../consumer/consumer-options.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { decodeFailed, isConveyorError } from '../errors.ts';
import { Headers, readHeaders } from '../messages/headers.ts';
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

/**
 * Decodes, dedupes and applies one message, retrying the handler with backoff and dead-lettering
 * it after the last attempt. Throws only for failures that are not the message's (database or
 * Kafka unavailable): the caller must then not acknowledge it.
 */
export async function processMessage<DB extends EventsDatabase>(
  context: ProcessContext<DB>,
  record: ConsumedRecord,
  heartbeat: () => Promise<void>,
): Promise<MessageOutcome> {
  const { db, codec, name, handlers, retry, logger } = context.options;
  const { topic, partition, message } = record;
  const headers = readHeaders(message.headers);
  const where = { topic, partition, offset: message.offset, messageId: messageIdOf(record, headers) };

  const type = headers[Headers.messageType];
  if (!type) {
    const error = decodeFailed(topic, `the message has no ${Headers.messageType} header`);
    return deadLetterAt(context, record, 1, error, where);
  }
  const handler = handlers.get(type);
  if (!handler) return 'skipped';

  let data: unknown;
  try {
    data = await codec.decode(topic, type, message.value);
  } catch (error) {
    // A registry outage passes: throw, so the message stays unresolved and comes back.
    if (!isConveyorError(error, 'CONVEYOR_DECODE_FAILED')) throw error;
    // The same bytes fail the same way every time: retrying would only hold the partition up.
    return deadLetterAt(context, record, 1, error, { ...where, type });
  }
  const incoming = toIncomingMessage(record, headers, type, data);

  let lastError: unknown;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    const result = await applyOnce(db, name, incoming.messageId, (trx) => handler(incoming, trx));
    if (result.status !== 'failed') return result.status;
    lastError = result.error;
    logger.warn(
      { ...where, type, attempt, attempts: retry.attempts, err: result.error },
      'message handler failed',
    );
    if (attempt === retry.attempts) break;
    if (!(await sleepUnlessAborted(backoffDelay(attempt, retry), context.signal))) return 'abandoned';
    // A long backoff must not cost the partition: the group would hand it to another member.
    await heartbeat();
  }
  return deadLetterAt(context, record, retry.attempts, lastError, { ...where, type });
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
