import type { UsersDeps } from '../deps.ts';
import { userNotFound } from '../domain/errors.ts';
import { findUser, type UserView } from './user-rows.ts';

/** The user's row (written with each append, so as fresh as the stream), or USERS_NOT_FOUND. */
export async function getUser(deps: UsersDeps, userId: string): Promise<UserView> {
  const user = await findUser(deps.db, userId);
  if (!user) throw userNotFound(userId);
  return user;
}
