import type { Json } from '@conveyor/events';
import type { SagaDatabase } from '@conveyor/saga';
import type { ColumnType } from 'kysely';
import type { OrderLine, OrderStatus, ShippingAddress } from '../domain/order.ts';
import type { UserProfileColumns } from '../domain/user-profile.ts';

/** One row per order: what GET /orders/:id and the user's order list read. */
export interface OrderViewsTable {
  order_id: string;
  user_id: string;
  saga_id: string;
  status: OrderStatus;
  reason: string | null;
  items: Json<OrderLine[]>;
  shipping_address: Json<ShippingAddress>;
  total_cents: ColumnType<string | null, number | null, number | null>;
  currency: string | null;
  payment_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The users orders knows, and their cached profile (fed by users.events). */
export interface OrderUsersTable extends UserProfileColumns {
  updated_at: Date;
}

/** A caller's Idempotency-Key, primary key (user_id, key); taken over once expired. */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  order_id: string;
  saga_id: string;
  created_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: Date;
}

export interface OrdersDatabase extends SagaDatabase, OrderDetailsViews {
  order_views: OrderViewsTable;
  order_users: OrderUsersTable;
  idempotency_keys: IdempotencyKeysTable;
}

/** Views of the served generation of the orders.order-details projection (read only). */
interface OrderDetailsViews {
  order_details: {
    order_id: string;
    user_id: string;
    status: OrderStatus;
    reason: string | null;
    items: Json<OrderLine[]>;
    lines: number;
    total_cents: string | null;
    currency: string | null;
    payment_id: string | null;
    placed_at: Date;
    updated_at: Date;
  };
  // The same profile columns as order_users, rebuilt by the projection.
  order_user_profiles: OrderUsersTable;
}
