import { errorCatalogue } from '@conveyor/events';

/**
 * The catalogue of users errors (code → HTTP status). Client errors name the input at fault in
 * `details.field` (its path in the user resource), so the problem JSON lists it like a schema
 * failure. Stale versions are `CONVEYOR_CONCURRENCY_CONFLICT` from @conveyor/events.
 */
export const UsersErrorCodes = {
  USERS_NOT_FOUND: 404,
  USERS_EMAIL_TAKEN: 409,
  USERS_ALREADY_REGISTERED: 409,
  USERS_INVALID_EMAIL: 400,
  USERS_INVALID_NAME: 400,
  USERS_INVALID_LANGUAGE: 400,
  /** The caller's token names a `sub` that cannot key a user record (records are keyed by UUID). */
  USERS_SUBJECT_NOT_UUID: 403,
} as const;

const usersError = errorCatalogue(UsersErrorCodes);

export const userNotFound = (userId: string) =>
  usersError('USERS_NOT_FOUND', `user ${userId} does not exist`, { userId });

export const emailTaken = (email: string) =>
  usersError('USERS_EMAIL_TAKEN', `email ${email} is already taken by another user`, {
    email,
    field: 'email',
  });

export const userAlreadyRegistered = (userId: string) =>
  usersError('USERS_ALREADY_REGISTERED', `user ${userId} is already registered`, { userId });

export const subjectNotUuid = () =>
  usersError(
    'USERS_SUBJECT_NOT_UUID',
    "the token's sub is not a lower-case UUID: a user record is keyed by its owner's sub, a UUID",
    { claim: 'sub' },
  );

export const invalidEmail = (email: string) =>
  usersError('USERS_INVALID_EMAIL', `email "${email}" is not an address like name@example.com`, {
    field: 'email',
  });

export const invalidName = (field: string, min: number, max: number) =>
  usersError('USERS_INVALID_NAME', `${field} must be ${min} to ${max} characters once trimmed`, { field });

export const invalidLanguage = (language: string, allowed: readonly string[]) =>
  usersError('USERS_INVALID_LANGUAGE', `language "${language}" is not one of ${allowed.join(', ')}`, {
    field: 'preferences.language',
  });
