import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { HANDLER_FAILED_CODE, isConveyorError } from '../errors.ts';
import { propertyOf } from '../internal/guards.ts';
import { DeadLetterHeaders, Headers, REDRIVEN_FROM_HEADER, readHeaders } from '../messages/headers.ts';
import { deadLetterTopic } from '../topics/topic-admin.ts';

const DLQ_SUFFIX = deadLetterTopic('');
const DLQ_HEADER_PREFIX = 'dlq-';
/** Kafka headers travel with every fetch; a stack-sized message is not worth that. */
const MAX_ERROR_LENGTH = 1_000;

export const isDeadLetterTopic = (topic: string) =>
  topic.endsWith(DLQ_SUFFIX) && topic.length > DLQ_SUFFIX.length;

/** `orders.events.dlq` → `orders.events`. */
export const originalTopicOf = (dlqTopic: string) => dlqTopic.slice(0, -DLQ_SUFFIX.length);

/** The message and code recorded for a failure: a Conveyor or driver error keeps its code. */
export function describeError(error: unknown): { message: string; code: string } {
  const message = error instanceof Error ? error.message : String(error);
  const driverCode = propertyOf(error, 'code');
  const code = isConveyorError(error)
    ? error.code
    : typeof driverCode === 'string'
      ? driverCode
      : HANDLER_FAILED_CODE;
  return {
    message: message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message,
    code,
  };
}

export interface DeadLetterInput {
  /** Where the failed message was read. */
  topic: string;
  partition: number;
  message: KafkaMessage;
  /** The consumer that gave up on it. */
  consumer: string;
  attempts: number;
  error: unknown;
  failedAt: Date;
}

/**
 * The dead letter of a failed message: its original key, value and headers (bytes untouched) plus
 * the `dlq-*` headers saying where it came from and why it failed. Keyed like the original, so the
 * dead letters of one aggregate stay in order in one partition of `<topic>.dlq`.
 */
export function toDeadLetterMessage(input: DeadLetterInput): { topic: string; message: Message } {
  const { message: text, code } = describeError(input.error);
  const headers: IHeaders = {
    ...withoutDeadLetterHeaders(input.message.headers),
    [DeadLetterHeaders.originalTopic]: input.topic,
    [DeadLetterHeaders.originalPartition]: String(input.partition),
    [DeadLetterHeaders.originalOffset]: input.message.offset,
    [DeadLetterHeaders.consumer]: input.consumer,
    [DeadLetterHeaders.attempts]: String(input.attempts),
    [DeadLetterHeaders.error]: text,
    [DeadLetterHeaders.errorCode]: code,
    [DeadLetterHeaders.failedAt]: input.failedAt.toISOString(),
  };
  return {
    topic: deadLetterTopic(input.topic),
    message: { key: input.message.key, value: input.message.value, headers },
  };
}

/** The headers a message had before it was dead-lettered (a re-driven message that fails again gets fresh ones). */
export function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && !name.startsWith(DLQ_HEADER_PREFIX)) kept[name] = value;
  }
  return kept;
}

/** A dead letter as an operator sees it. */
export interface DeadLetter {
  /** Position in the dead-letter topic. */
  partition: number;
  offset: string;
  key: string | null;
  messageType: string | undefined;
  messageId: string | undefined;
  originalTopic: string;
  originalPartition: number | undefined;
  originalOffset: string | undefined;
  consumer: string | undefined;
  attempts: number | undefined;
  error: string | undefined;
  errorCode: string | undefined;
  failedAt: string | undefined;
  /** Every header, as strings. */
  headers: Record<string, string>;
}

const optionalInt = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
};

export function readDeadLetter(dlqTopic: string, partition: number, message: KafkaMessage): DeadLetter {
  const headers = readHeaders(message.headers);
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    messageType: headers[Headers.messageType],
    messageId: headers[Headers.messageId],
    originalTopic: headers[DeadLetterHeaders.originalTopic] || originalTopicOf(dlqTopic),
    originalPartition: optionalInt(headers[DeadLetterHeaders.originalPartition]),
    originalOffset: headers[DeadLetterHeaders.originalOffset],
    consumer: headers[DeadLetterHeaders.consumer],
    attempts: optionalInt(headers[DeadLetterHeaders.attempts]),
    error: headers[DeadLetterHeaders.error],
    errorCode: headers[DeadLetterHeaders.errorCode],
    failedAt: headers[DeadLetterHeaders.failedAt],
    headers,
  };
}

/** Where a message was read, as the `redriven-from` header of its re-driven copy says it. */
export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
}

export const formatPosition = ({ topic, partition, offset }: MessagePosition) =>
  `${topic}:${partition}:${offset}`;

/** The position in a `redriven-from` header; undefined when it is missing or malformed. */
export function parsePosition(value: string | undefined): MessagePosition | undefined {
  const match = value === undefined ? null : /^(.+):(\d+):(\d+)$/.exec(value);
  if (!match) return undefined;
  const [, topic = '', partition = '', offset = ''] = match;
  return { topic, partition: Number(partition), offset };
}

/**
 * The message to send back: original topic, key, value and headers, plus `redriven-from` naming
 * the original's position when that is known. It goes to its original partition when that is
 * known, so it lands beside its aggregate's other messages even if the producer that first wrote
 * it partitioned differently from ours.
 */
export function toRedrivenMessage(dlqTopic: string, partition: number, message: KafkaMessage) {
  const letter = readDeadLetter(dlqTopic, partition, message);
  const headers = withoutDeadLetterHeaders(message.headers);
  const { originalTopic: topic, originalPartition, originalOffset } = letter;
  if (originalPartition !== undefined && originalOffset !== undefined) {
    headers[REDRIVEN_FROM_HEADER] = formatPosition({
      topic,
      partition: originalPartition,
      offset: originalOffset,
    });
  }
  const redriven: Message = { key: message.key, value: message.value, headers };
  if (originalPartition !== undefined) redriven.partition = originalPartition;
  return { topic, message: redriven };
}
