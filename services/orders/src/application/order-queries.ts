import { type Identity, mayAccess } from '@conveyor/http';
import type { Kysely } from 'kysely';
import type { OrdersDatabase } from '../db/tables.ts';
import { orderNotFound, userNotFound } from '../domain/errors.ts';
import type { OrderLine, OrderStatus, ShippingAddress } from '../domain/order.ts';

export interface OrderView {
  orderId: string;
  userId: string;
  status: OrderStatus;
  reason: string | null;
  items: OrderLine[];
  shippingAddress: ShippingAddress;
  totalCents: number | null;
  currency: string | null;
  paymentId: string | null;
  createdAt: string;
  updatedAt: string;
  saga: { id: string; status: string; currentStep: string | null };
}

/**
 * GetOrder: the order's row joined with its saga's live status, for its user or an admin. Anyone
 * else's order is ORDERS_NOT_FOUND, exactly like a missing one, so order ids leak nothing.
 */
export async function getOrder(
  db: Kysely<OrdersDatabase>,
  { orderId, caller }: { orderId: string; caller: Identity },
): Promise<OrderView> {
  const row = await db
    .selectFrom('order_views as o')
    .leftJoin('saga_instances as s', 's.id', 'o.saga_id')
    .selectAll('o')
    .select(['s.status as saga_status', 's.current_step', 's.steps'])
    .where('o.order_id', '=', orderId)
    .executeTakeFirst();
  if (!row || !mayAccess(caller, row.user_id)) throw orderNotFound(orderId);
  const steps = row.steps ?? [];
  const finished = row.saga_status === 'completed' || row.saga_status === 'compensated';
  return {
    orderId: row.order_id,
    userId: row.user_id,
    status: row.status,
    reason: row.reason,
    items: row.items,
    shippingAddress: row.shipping_address,
    totalCents: row.total_cents === null ? null : Number(row.total_cents),
    currency: row.currency,
    paymentId: row.payment_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    saga: {
      id: row.saga_id,
      status: row.saga_status ?? 'unknown',
      currentStep: finished || row.current_step === null ? null : (steps[row.current_step]?.name ?? null),
    },
  };
}

export interface UserOrdersPage {
  user: { userId: string; email: string; firstName: string; lastName: string; language: string } | null;
  items: {
    orderId: string;
    status: OrderStatus;
    reason: string | null;
    totalCents: number | null;
    currency: string | null;
    lines: number;
    createdAt: string;
  }[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

/**
 * GetUserOrders: a page of the user's orders, newest first, with the cached profile. Reads the
 * orders.order-details projection (fed from orders.events and users.events, rebuildable with
 * `npm run replay`), so an order placed a moment ago may appear a moment later. Only the user or an
 * admin may read it; anyone else gets ORDERS_USER_NOT_FOUND, whether the user exists or not.
 */
export async function getUserOrders(
  db: Kysely<OrdersDatabase>,
  query: { userId: string; caller: Identity; page: number; limit: number },
): Promise<UserOrdersPage> {
  if (!mayAccess(query.caller, query.userId)) throw userNotFound(query.userId);
  const [user, count, rows] = await Promise.all([
    db.selectFrom('order_user_profiles').selectAll().where('user_id', '=', query.userId).executeTakeFirst(),
    db
      .selectFrom('order_details')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', query.userId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('order_details')
      .selectAll()
      .where('user_id', '=', query.userId)
      .orderBy('placed_at', 'desc')
      .orderBy('order_id')
      .limit(query.limit)
      .offset((query.page - 1) * query.limit)
      .execute(),
  ]);
  const total = Number(count.n);
  return {
    user: user
      ? {
          userId: user.user_id,
          email: user.email,
          firstName: user.first_name,
          lastName: user.last_name,
          language: user.language,
        }
      : null,
    items: rows.map((r) => ({
      orderId: r.order_id,
      status: r.status,
      reason: r.reason,
      totalCents: r.total_cents === null ? null : Number(r.total_cents),
      currency: r.currency,
      lines: r.lines,
      createdAt: r.placed_at.toISOString(),
    })),
    page: query.page,
    limit: query.limit,
    total,
    totalPages: Math.ceil(total / query.limit),
  };
}
