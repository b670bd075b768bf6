import type { EventsDatabase } from '@conveyor/events';
import type { ColumnType } from 'kysely';
import type { Language } from '../domain/user-fields.ts';

/** One row per user, written in the transaction that appends the user's events. */
export interface UsersTable {
  id: string;
  /** Normalised; unique (`users_email_key`), which holds uniqueness under concurrent writes. */
  email: string;
  first_name: string;
  last_name: string;
  language: Language;
  /** The version of the stream `user-<id>` this row reflects. */
  version: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * A user as the directory lists it: the users.directory projection's table, which queries read
 * through the `user_directory` view of its served generation.
 */
export interface UserDirectoryTable {
  user_id: string;
  email: string;
  first_name: string;
  last_name: string;
  language: string;
  /** The time of the user's last event (written as the event's ISO string). */
  updated_at: ColumnType<Date, string, string>;
}

/**
 * A user's confirmed orders in one currency (users.directory, from orders.events' order.confirmed),
 * read through the `user_order_totals` view. Kept apart from `user_directory` because an order
 * can be confirmed before its user's user.created is applied (another topic), and it must not be
 * lost nor make a directory entry without a name.
 */
export interface UserOrderTotalsTable {
  user_id: string;
  currency: string;
  confirmed_orders: number;
  /** A bigint: pg answers it as a string. */
  total_cents: ColumnType<string, string, string>;
  /** The latest confirmation time (written as the event's ISO string). */
  last_confirmed_at: ColumnType<Date, string, string>;
}

/** The users database: the events tables plus the service's own, and the projection views. */
export interface UsersDatabase extends EventsDatabase {
  users: UsersTable;
  /** A view (read only): the served generation of users.directory. */
  user_directory: UserDirectoryTable;
  /** A view (read only): the served generation of users.directory. */
  user_order_totals: UserOrderTotalsTable;
}
