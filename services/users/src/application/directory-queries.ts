import type { Kysely, Selectable } from 'kysely';
import type { UserDirectoryTable, UserOrderTotalsTable, UsersDatabase } from '../db/tables.ts';

/** What a user spent on confirmed orders in one currency. */
export interface CurrencyTotal {
  currency: string;
  totalCents: number;
}

/** A user's confirmed orders, as orders.events told the directory. */
export interface DirectoryOrders {
  confirmed: number;
  /** The latest confirmation; null before the first. */
  lastConfirmedAt: string | null;
  /** By currency code. */
  totals: CurrencyTotal[];
}

/** One user in the directory. */
export interface DirectoryEntry {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  language: string;
  /** The time of the user's last change. */
  updatedAt: string;
  orders: DirectoryOrders;
}

export interface DirectoryPage {
  items: DirectoryEntry[];
  page: number;
  limit: number;
  /** Users matching the query, on every page. */
  total: number;
  totalPages: number;
}

export interface DirectoryQuery {
  page: number;
  limit: number;
  /** A case-insensitive prefix of the email or the last name. */
  q?: string;
}

/**
 * A page of the directory by last name, first name, then id (so pages never overlap). Reads the
 * users.directory projection: a user registered or changed a moment ago may show a moment later.
 */
export async function listDirectory(
  db: Kysely<UsersDatabase>,
  query: DirectoryQuery,
): Promise<DirectoryPage> {
  const matching = () => {
    const base = db.selectFrom('user_directory');
    if (query.q === undefined) return base;
    const pattern = `${escapeLike(query.q)}%`;
    return base.where((eb) => {
      // Lower-cased by Postgres on both sides, so the comparison and the indexes agree.
      const prefix = eb.fn<string>('lower', [eb.val(pattern)]);
      return eb.or([
        eb(eb.fn('lower', ['email']), 'like', prefix),
        eb(eb.fn('lower', ['last_name']), 'like', prefix),
      ]);
    });
  };
  const [rows, count] = await Promise.all([
    matching()
      .selectAll()
      .orderBy('last_name')
      .orderBy('first_name')
      .orderBy('user_id')
      .limit(query.limit)
      .offset((query.page - 1) * query.limit)
      .execute(),
    matching()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const total = Number(count.n);
  const totals = await totalsOf(
    db,
    rows.map((row) => row.user_id),
  );
  return {
    items: rows.map((row) => toEntry(row, totals.get(row.user_id) ?? [])),
    page: query.page,
    limit: query.limit,
    total,
    totalPages: Math.ceil(total / query.limit),
  };
}

/** The order totals of these users, by user id, each user's by currency. */
async function totalsOf(db: Kysely<UsersDatabase>, userIds: string[]) {
  const byUser = new Map<string, Selectable<UserOrderTotalsTable>[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('user_order_totals')
    .selectAll()
    .where('user_id', 'in', userIds)
    .orderBy('currency')
    .execute();
  for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row]);
  return byUser;
}

/** `%`, `_` and `\` in what the caller typed match themselves, not patterns. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

function toEntry(
  row: Selectable<UserDirectoryTable>,
  totals: Selectable<UserOrderTotalsTable>[],
): DirectoryEntry {
  const last = totals.reduce<Date | null>(
    (latest, t) => (latest === null || t.last_confirmed_at > latest ? t.last_confirmed_at : latest),
    null,
  );
  return {
    id: row.user_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    language: row.language,
    updatedAt: row.updated_at.toISOString(),
    orders: {
      confirmed: totals.reduce((sum, t) => sum + t.confirmed_orders, 0),
      lastConfirmedAt: last?.toISOString() ?? null,
      totals: totals.map((t) => ({ currency: t.currency, totalCents: Number(t.total_cents) })),
    },
  };
}
