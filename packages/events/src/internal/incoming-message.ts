import type { KafkaMessage } from 'kafkajs';
import type { IncomingMessage } from '../messages/envelope.ts';
import { Headers } from '../messages/headers.ts';

/** A message as fetched: where it was read and the raw Kafka record. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * The id the inbox dedupes on. Conveyor producers always set `message-id`; for a message without
 * one, its position is the only identity that stays the same on every redelivery of that record,
 * so redeliveries still dedupe (a copy written again, e.g. re-driven, is a new record and runs).
 */
export function messageIdOf(record: ConsumedRecord, headers: Record<string, string>): string {
  return headers[Headers.messageId] || `${record.topic}:${record.partition}:${record.message.offset}`;
}

/** The handler's view of a record whose value has been decoded. */
export function toIncomingMessage(
  record: ConsumedRecord,
  headers: Record<string, string>,
  type: string,
  data: unknown,
): IncomingMessage {
  const messageId = messageIdOf(record, headers);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.message.offset,
    key: record.message.key?.toString() ?? '',
    type,
    data,
    messageId,
    correlationId: headers[Headers.correlationId] || messageId,
    causationId: headers[Headers.causationId],
    traceparent: headers[Headers.traceparent],
    headers,
    timestamp: record.message.timestamp,
  };
}
