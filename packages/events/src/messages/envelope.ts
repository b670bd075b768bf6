/** A message to publish: written to the outbox, sent by the relay. */
export interface OutgoingMessage<TType extends string = string, TData = unknown> {
  topic: string;
  /** Kafka key: the aggregate id (or saga id), which keeps per-aggregate order. */
  key: string;
  type: TType;
  data: TData;
  /** Generated when absent. Consumers dedupe on it. */
  messageId?: string;
  /** The id shared by everything one request caused; defaults to the message id. */
  correlationId?: string;
  /** The id of the message that caused this one. */
  causationId?: string;
  /** W3C trace context of the span that produced it. */
  traceparent?: string;
  /** Extra headers (e.g. saga-id); the standard ones above take precedence. */
  headers?: Record<string, string>;
}

/** A decoded message as a handler sees it. */
export interface IncomingMessage<TType extends string = string, TData = unknown> {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  type: TType;
  data: TData;
  messageId: string;
  correlationId: string;
  causationId: string | undefined;
  traceparent: string | undefined;
  /** Every header, as strings. */
  headers: Record<string, string>;
  timestamp: string;
}

/** Metadata to carry forward when a handler emits messages because of `cause`. */
export function causedBy(cause: Pick<IncomingMessage, 'messageId' | 'correlationId' | 'traceparent'>) {
  return {
    correlationId: cause.correlationId,
    causationId: cause.messageId,
    ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
  };
}
