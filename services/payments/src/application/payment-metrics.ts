import { Counter, type Registry } from '@conveyor/http';

/** Business counters of the service, on its own registry (served at /metrics). */
export interface PaymentCounters {
  charged: Counter;
  declined: Counter;
  refunded: Counter;
  voided: Counter;
}

export function createPaymentCounters(registry: Registry): PaymentCounters {
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    charged: counter('payments_charged_total', 'Charges approved by the provider and recorded'),
    declined: counter('payments_declined_total', 'Charges declined by the provider'),
    refunded: counter('payments_refunded_total', 'Charges refunded (compensations that had an effect)'),
    voided: counter(
      'payments_voided_total',
      'Refunds of orders never charged: a tombstone, so their charge is refused should it arrive',
    ),
  };
}
