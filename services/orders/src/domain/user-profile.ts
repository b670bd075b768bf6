import type { UserChanges, UserCreated } from '@conveyor/schemas';

/** The profile columns orders keeps of a user (order_users and the order-details projection). */
export interface UserProfileColumns {
  user_id: string;
  email: string;
  first_name: string;
  last_name: string;
  language: string;
}

/** A new user's profile row, without its time (each table stores that its own way). */
export function userProfileRow(user: UserCreated): UserProfileColumns {
  return {
    user_id: user.userId,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    language: user.language,
  };
}

/** The columns a user.updated changes: the event sets only what changed (null or absent: unchanged). */
export function userProfileChanges(changes: UserChanges): Partial<Omit<UserProfileColumns, 'user_id'>> {
  return {
    ...(changes.email ? { email: changes.email } : {}),
    ...(changes.firstName ? { first_name: changes.firstName } : {}),
    ...(changes.lastName ? { last_name: changes.lastName } : {}),
    ...(changes.language ? { language: changes.language } : {}),
  };
}
