import type { KafkaMessage } from 'kafkajs';
import type { AvroCodec } from '../codec/avro-codec.ts';
import { type MessagePosition, parsePosition } from '../dead-letters/dead-letter-format.ts';
import { decodeFailed, isConveyorError } from '../errors.ts';
import type { IncomingMessage } from '../messages/envelope.ts';
import { Headers, REDRIVEN_FROM_HEADER, readHeaders } from '../messages/headers.ts';
import type { AnyProjection, ProjectionBatchHandler, ProjectionHandler } from '../projections/projection.ts';
import { messageIdOf } from './incoming-message.ts';

interface EntryBase {
  offset: bigint;
  /** The record as fetched: what a dead letter carries, bytes untouched. */
  raw: KafkaMessage;
  messageId: string;
  type: string | undefined;
  /** Where the original was read, when this is a re-driven copy of a dead letter. */
  redrivenFrom: MessagePosition | undefined;
}

/** One message of a fetched batch, decoded as far as the projection needs it. */
export type BatchEntry =
  /** A type the projection has no handler for: the checkpoint moves past it. */
  | (EntryBase & { kind: 'skip' })
  | (EntryBase & {
      kind: 'apply';
      message: IncomingMessage;
      // biome-ignore lint/suspicious/noExplicitAny: table types differ per projection
      handler: ProjectionHandler<any>;
    })
  /** A message of a type with a batch handler: consecutive ones are handed over together. */
  | (EntryBase & {
      kind: 'apply-batched';
      message: IncomingMessage;
      // biome-ignore lint/suspicious/noExplicitAny: table types differ per projection
      handler: ProjectionBatchHandler<any>;
    })
  /** The same bytes fail the same way every time: it is dead-lettered without a retry. */
  | (EntryBase & { kind: 'undecodable'; error: unknown });

/**
 * Decodes a message for a projection. A message with no type, or with bytes the codec cannot read,
 * is undecodable (a poison message), as consumers treat it. A registry outage is not the message's
 * fault: it is thrown, and the batch is fetched again later.
 */
export async function toBatchEntry(
  codec: AvroCodec,
  definition: AnyProjection,
  topic: string,
  partition: number,
  raw: KafkaMessage,
): Promise<BatchEntry> {
  const headers = readHeaders(raw.headers);
  const type = headers[Headers.messageType];
  const base = {
    offset: BigInt(raw.offset),
    raw,
    messageId: messageIdOf({ topic, partition, message: raw }, headers),
    type,
    redrivenFrom: parsePosition(headers[REDRIVEN_FROM_HEADER]),
  };
  if (!type) {
    return {
      ...base,
      kind: 'undecodable',
      error: decodeFailed(topic, `the message has no ${Headers.messageType} header`),
    };
  }
  // hasOwn: a type named like an Object.prototype member ("constructor") has no handler.
  const handler = Object.hasOwn(definition.handlers, type) ? definition.handlers[type] : undefined;
  const batchHandlers = definition.batchHandlers ?? {};
  const batchHandler = Object.hasOwn(batchHandlers, type) ? batchHandlers[type] : undefined;
  if (!handler && !batchHandler) return { ...base, kind: 'skip' };
  let data: unknown;
  try {
    data = await codec.decode(topic, type, raw.value);
  } catch (error) {
    if (!isConveyorError(error, 'CONVEYOR_DECODE_FAILED')) throw error;
    return { ...base, kind: 'undecodable', error };
  }
  const message: IncomingMessage = {
    topic,
    partition,
    offset: raw.offset,
    key: raw.key?.toString() ?? '',
    type,
    data,
    messageId: base.messageId,
    correlationId: headers[Headers.correlationId] || base.messageId,
    causationId: headers[Headers.causationId],
    traceparent: headers[Headers.traceparent],
    headers,
    timestamp: raw.timestamp,
  };
  if (handler) return { ...base, kind: 'apply', message, handler };
  if (batchHandler) return { ...base, kind: 'apply-batched', message, handler: batchHandler };
  return { ...base, kind: 'skip' };
}
