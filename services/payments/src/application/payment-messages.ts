import { messageFactory, type TypedOutgoingMessage } from '@conveyor/events';
import type { MessageTypes } from '@conveyor/schemas';
import type { PaymentEvent } from '../domain/payment.ts';

const message = messageFactory<MessageTypes>();

/** Where a message came from: carried into its headers so a request can be followed across services. */
export interface MessageCause {
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
}

/**
 * The integration event published for a payment event, on payments.events keyed by the order id.
 * A tombstone (PaymentVoided) moves no money, so other services have nothing to learn from it.
 */
export function paymentMessage(
  topic: string,
  event: PaymentEvent,
  cause: MessageCause,
):
  | TypedOutgoingMessage<MessageTypes, 'payments.charged' | 'payments.declined' | 'payments.refunded'>
  | undefined {
  const envelope = { topic, key: event.data.orderId, ...cause };
  switch (event.type) {
    case 'PaymentCharged': {
      const { paymentId, orderId, userId, amountCents, currency, chargedAt } = event.data;
      return message(
        'payments.charged',
        { paymentId, orderId, userId, amountCents, currency, chargedAt },
        envelope,
      );
    }
    case 'PaymentDeclined': {
      const { orderId, userId, amountCents, reason, declinedAt } = event.data;
      return message('payments.declined', { orderId, userId, amountCents, reason, declinedAt }, envelope);
    }
    case 'PaymentRefunded':
      return message('payments.refunded', event.data, envelope);
    case 'PaymentVoided':
      return undefined;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}
