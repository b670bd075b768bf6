import type { Kysely, Selectable } from 'kysely';
import type { PaymentsDatabase, PaymentsTable } from '../db/tables.ts';
import { paymentNotFound } from '../domain/errors.ts';
import {
  PAYMENT_LIST_LIMITS,
  type PaymentListFilter,
  type PaymentPageView,
  type PaymentView,
} from '../http/payment-schemas.ts';

/** Payments matching the filter, newest charge first, one page of them and the total. */
export async function listPayments(
  db: Kysely<PaymentsDatabase>,
  filter: PaymentListFilter,
): Promise<PaymentPageView> {
  const page = filter.page ?? 1;
  const limit = filter.limit ?? PAYMENT_LIST_LIMITS.defaultLimit;
  let query = db.selectFrom('payments');
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('charged_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset((page - 1) * limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toView), page, limit, total: Number(count.total) };
}

/** One payment by id; PAYMENTS_NOT_FOUND (404) when there is none. */
export async function getPayment(db: Kysely<PaymentsDatabase>, id: string): Promise<PaymentView> {
  const row = await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw paymentNotFound(id);
  return toView(row);
}

function toView(row: Selectable<PaymentsTable>): PaymentView {
  return {
    id: row.id,
    orderId: row.order_id,
    userId: row.user_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    status: row.status,
    providerRef: row.provider_ref,
    chargedAt: row.charged_at.toISOString(),
    refundedAt: row.refunded_at?.toISOString() ?? null,
  };
}
