import type { IHeaders } from 'kafkajs';

/** Header names carried by every Conveyor message. */
export const Headers = {
  messageId: 'message-id',
  messageType: 'message-type',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
} as const;

/** Headers a dead letter carries on top of the original ones. */
export const DeadLetterHeaders = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumer: 'dlq-consumer',
  attempts: 'dlq-attempts',
  error: 'dlq-error',
  errorCode: 'dlq-error-code',
  failedAt: 'dlq-failed-at',
} as const;

/**
 * Set on a re-driven copy of a dead letter: where the original was read, `<topic>:<partition>:<offset>`.
 * A reader that applied the original can tell the copy apart; a projection applies it only when it
 * is the one that dead-lettered that original (projections have no inbox to dedupe on).
 */
export const REDRIVEN_FROM_HEADER = 'redriven-from';

/** Kafka headers as plain strings (kafkajs gives Buffers, or arrays for repeated keys). */
export function readHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[key] = last.toString();
  }
  return out;
}
