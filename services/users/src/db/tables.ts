import type { EventsDatabase } from '@conveyor/events';
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

/** The users database: the events tables plus the service's own. */
export interface UsersDatabase extends EventsDatabase {
  users: UsersTable;
}
