import type { EventsDatabase } from '@conveyor/events';
import type { ColumnType } from 'kysely';
import type { PaymentStatus } from '../domain/payment.ts';

/**
 * One row per charged order: the read model operators and tests query, written in the same
 * transaction as the payment's events. bigint comes back from node-postgres as a string.
 */
export interface PaymentsTable {
  id: string;
  order_id: string;
  user_id: string;
  amount_cents: ColumnType<string, number, never>;
  currency: string;
  status: PaymentStatus;
  provider_ref: string;
  charged_at: ColumnType<Date, string, never>;
  refunded_at: ColumnType<Date | null, string | null | undefined, string>;
}

/** The payments database: the events tables plus the service's own. */
export interface PaymentsDatabase extends EventsDatabase {
  payments: PaymentsTable;
}
