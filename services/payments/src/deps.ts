import { createServiceDeps, type ServiceDeps, type ServiceOverrides } from '@conveyor/service';
import { createPaymentCounters, type PaymentCounters } from './application/payment-metrics.ts';
import type { PaymentsConfig } from './config.ts';
import type { PaymentsDatabase } from './db/tables.ts';
import { createFakeProvider, type PaymentProvider } from './domain/fake-provider.ts';

/** What every part of the service is built from: one object, passed to plain factories. */
export interface Deps extends ServiceDeps<PaymentsDatabase> {
  config: PaymentsConfig;
  provider: PaymentProvider;
  counters: PaymentCounters;
}

/** Test seams: a fixed clock, predictable ids, a quiet logger, another card provider. */
export interface DepsOverrides extends ServiceOverrides {
  /** @default the fake provider with config.userLimitCents */
  provider?: PaymentProvider;
}

/** Builds the dependencies; nothing connects yet (the pool and Kafka clients connect on first use). */
export function createDeps(config: PaymentsConfig, overrides: DepsOverrides = {}): Deps {
  const base = createServiceDeps<PaymentsDatabase>('payments', config, overrides);
  return {
    ...base,
    config,
    provider: overrides.provider ?? createFakeProvider({ userLimitCents: config.userLimitCents }),
    counters: createPaymentCounters(base.metrics),
  };
}
