import { createTable, eventsMigrations } from '@conveyor/events';
import { type Kysely, type Migration, sql } from 'kysely';
import { LANGUAGES } from '../domain/user-fields.ts';

/** The constraint whose violation (23505) means "email taken". */
export const USERS_EMAIL_CONSTRAINT = 'users_email_key';

/** The users service's own migrations; names start at 1000_ (after the packages' ones). */
export const usersMigrations: Record<string, Migration> = {
  '1000_users': {
    async up(db: Kysely<unknown>) {
      await createTable(
        db,
        'users',
        {
          id: 'uuid PRIMARY KEY',
          email: 'text NOT NULL',
          first_name: 'text NOT NULL',
          last_name: 'text NOT NULL',
          language: 'text NOT NULL',
          version: 'integer NOT NULL',
          created_at: 'timestamptz NOT NULL',
          updated_at: 'timestamptz NOT NULL',
        },
        [
          sql`CONSTRAINT ${sql.id(USERS_EMAIL_CONSTRAINT)} UNIQUE (email)`,
          sql`CONSTRAINT users_language_check CHECK (language in (${sql.join(LANGUAGES.map((l) => sql.lit(l)))}))`,
        ],
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('users').execute();
    },
  },
};

/** Everything the users database needs, in order: the events tables, then the users table. */
export const migrations: Record<string, Migration> = { ...eventsMigrations, ...usersMigrations };
