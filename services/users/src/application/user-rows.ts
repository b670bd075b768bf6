import type { Kysely, Selectable, Transaction } from 'kysely';
import { USERS_EMAIL_CONSTRAINT } from '../db/migrations.ts';
import type { UsersDatabase, UsersTable } from '../db/tables.ts';
import { emailTaken } from '../domain/errors.ts';
import type { User } from '../domain/user.ts';
import type { Language } from '../domain/user-fields.ts';

/** A user as the API shows it. */
export interface UserView {
  id: string;
  email: string;
  profile: { firstName: string; lastName: string };
  preferences: { language: Language };
  /** The stream version: what to send back in If-Match. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

type Executor = Kysely<UsersDatabase> | Transaction<UsersDatabase>;
type UserRow = Selectable<UsersTable>;

const UNIQUE_VIOLATION = '23505';

/**
 * Writes the row of a user as it is after `version` events. The unique constraint on email is what
 * keeps addresses unique when two requests race: the second waits for the first, then fails here.
 */
export async function saveUser(
  trx: Transaction<UsersDatabase>,
  user: User,
  version: number,
): Promise<UserView> {
  const row = {
    id: user.userId,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    language: user.language,
    version,
    created_at: new Date(user.createdAt),
    updated_at: new Date(user.updatedAt),
  };
  try {
    const saved = await trx
      .insertInto('users')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          email: eb.ref('excluded.email'),
          first_name: eb.ref('excluded.first_name'),
          last_name: eb.ref('excluded.last_name'),
          language: eb.ref('excluded.language'),
          version: eb.ref('excluded.version'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUserView(saved);
  } catch (error) {
    const emailConflict =
      typeof error === 'object' &&
      error !== null &&
      'code' in error &&
      error.code === UNIQUE_VIOLATION &&
      'constraint' in error &&
      error.constraint === USERS_EMAIL_CONSTRAINT;
    if (emailConflict) throw emailTaken(user.email);
    throw error;
  }
}

export async function findUser(db: Executor, userId: string): Promise<UserView | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  return row && toUserView(row);
}

function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    profile: { firstName: row.first_name, lastName: row.last_name },
    preferences: { language: row.language },
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
