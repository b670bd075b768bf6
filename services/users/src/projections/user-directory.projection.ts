import { type AnyProjection, defineProjection, type ProjectionDefinition } from '@conveyor/events';
import { type MessageTypes, topicNames } from '@conveyor/schemas';
import { sql } from 'kysely';
import type { UserDirectoryTable } from '../db/tables.ts';

export const USER_DIRECTORY_PROJECTION = 'users.directory';

/** The tables of the users.directory projection, as its handlers write them. */
export interface UserDirectoryTables {
  user_directory: UserDirectoryTable;
}

/**
 * The user directory behind GET /directory: one row per user, from user.created and user.updated.
 * A user's events share a key, hence a partition, so they apply in order and the last write wins
 * the same way live and in a rebuild. `updated_at` is the event's time, never the clock's, so a
 * rebuild gives the very same rows.
 */
export function userDirectoryProjection(namespace: string): ProjectionDefinition<UserDirectoryTables> {
  return defineProjection<UserDirectoryTables, MessageTypes>({
    name: USER_DIRECTORY_PROJECTION,
    topics: [topicNames(namespace).usersEvents],
    tables: ['user_directory'],
    async createTables(db, schema) {
      const table = sql.id(schema, 'user_directory');
      // No CHECKs on what the events carry: a projection that refused an event would stall.
      await sql`CREATE TABLE ${table} (
        user_id uuid PRIMARY KEY,
        email text NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        language text NOT NULL,
        updated_at timestamptz NOT NULL
      )`.execute(db);
      // Prefix searches (`LIKE 'ab%'`) on the lower-cased columns, whatever the database collation.
      await sql`CREATE INDEX ON ${table} (lower(email) text_pattern_ops)`.execute(db);
      await sql`CREATE INDEX ON ${table} (lower(last_name) text_pattern_ops)`.execute(db);
      await sql`CREATE INDEX ON ${table} (last_name, first_name, user_id)`.execute(db);
    },
    handlers: {
      'user.created': async (message, { db }) => {
        const user = message.data;
        await db
          .insertInto('user_directory')
          .values({
            user_id: user.userId,
            email: user.email,
            first_name: user.firstName,
            last_name: user.lastName,
            language: user.language,
            updated_at: user.createdAt,
          })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .execute();
      },
      'user.updated': async (message, { db }) => {
        const { userId, changes, updatedAt } = message.data;
        // Only the changed fields are set in the event; null means "unchanged".
        await db
          .updateTable('user_directory')
          .set({
            ...(changes.email != null && { email: changes.email }),
            ...(changes.firstName != null && { first_name: changes.firstName }),
            ...(changes.lastName != null && { last_name: changes.lastName }),
            ...(changes.language != null && { language: changes.language }),
            updated_at: updatedAt,
          })
          .where('user_id', '=', userId)
          .execute();
      },
    },
  });
}

/** Every projection of the users service, for its ProjectionHost and for a replay CLI. */
export function usersProjections(namespace: string): AnyProjection[] {
  return [userDirectoryProjection(namespace)];
}
