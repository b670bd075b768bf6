import type { OutgoingMessage } from '@conveyor/events';
import type { MessageTypes } from '@conveyor/schemas';
import type { PaymentEvent } from '../domain/payment.ts';

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
): OutgoingMessage | undefined {
  const message = <T extends keyof MessageTypes>(type: T, data: MessageTypes[T]): OutgoingMessage => ({
    topic,
    key: event.data.orderId,
    type,
    data,
    ...cause,
  });
  switch (event.type) {
    case 'PaymentCharged': {
      const { paymentId, orderId, userId, amountCents, currency, chargedAt } = event.data;
      return message('payments.charged', { paymentId, orderId, userId, amountCents, currency, chargedAt });
    }
    case 'PaymentDeclined': {
      const { orderId, userId, amountCents, reason, declinedAt } = event.data;
      return message('payments.declined', { orderId, userId, amountCents, reason, declinedAt });
    }
    case 'PaymentRefunded':
      return message('payments.refunded', event.data);
    case 'PaymentVoided':
      return undefined;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}
