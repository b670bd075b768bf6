import { eventsMigrations } from '@conveyor/events';
import { type Kysely, type Migration, sql } from 'kysely';
import { LANGUAGES } from '../domain/user-fields.ts';

/** The constraint whose violation (23505) means "email taken". */
export const USERS_EMAIL_CONSTRAINT = 'users_email_key';

/** The users service's own migrations; names start at 1000_ (after the packages' ones). */
export const usersMigrations: Record<string, Migration> = {
  '1000_users': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint(USERS_EMAIL_CONSTRAINT, ['email'])
        .addCheckConstraint(
          'users_language_check',
          sql`language in (${sql.join(LANGUAGES.map((l) => sql.lit(l)))})`,
        )
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('users').execute();
    },
  },
};

/** Everything the users database needs, in order: the events tables, then the users table. */
export const migrations: Record<string, Migration> = { ...eventsMigrations, ...usersMigrations };
