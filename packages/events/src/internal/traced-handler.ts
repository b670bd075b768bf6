import { inSpan, tracingEnabled } from '@conveyor/telemetry';
import type { IncomingMessage } from '../messages/envelope.ts';
import type { AnyMessageHandler } from './erase-handlers.ts';

/**
 * Runs one handling of a message in a consumer span that continues the trace of its
 * `traceparent` header (set by the sending relay), so that everything the handler does (queries,
 * enqueued messages, saga steps) joins the trace of the request that caused it.
 */
export function inConsumerSpan<T>(
  consumer: string,
  message: IncomingMessage,
  run: () => Promise<T>,
): Promise<T> {
  return inSpan(
    `consume ${message.type}`,
    {
      kind: 'consumer',
      parent: message.traceparent,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': message.topic,
        'messaging.consumer.group.name': consumer,
        'messaging.message.id': message.messageId,
        'messaging.kafka.message.key': message.key,
        'messaging.kafka.offset': Number(message.offset),
        'conveyor.correlation_id': message.correlationId,
      },
    },
    run,
  );
}

/**
 * The handler itself when tracing is off (nothing added per message); with tracing on, the
 * handler run inside its consumer span. Decided once, when the consumer is built.
 */
export function tracedHandler<Context>(
  consumer: string,
  handler: AnyMessageHandler<Context>,
): AnyMessageHandler<Context> {
  if (!tracingEnabled()) return handler;
  return (message, context) => inConsumerSpan(consumer, message, () => handler(message, context));
}
