import type { UserCreated } from '@conveyor/schemas';
import { invalidEmail, invalidLanguage, invalidName } from './errors.ts';

/** The languages of `user.created` / `user.updated` (the Avro enum `conveyor.users.Language`). */
export const LANGUAGES = ['en', 'es', 'fr'] as const satisfies readonly UserCreated['language'][];
export type Language = (typeof LANGUAGES)[number];

export const EMAIL_MAX_LENGTH = 254;
export const NAME_MIN_LENGTH = 1;
export const NAME_MAX_LENGTH = 100;

/**
 * RFC 5322-ish: a dot-atom local part, `@`, and a domain of at least two DNS labels. Quoted local
 * parts and IP literals are refused on purpose: nobody signs up with them, and mail systems differ.
 * It accepts upper case too, so it holds before and after normalisation.
 */
const EMAIL = new RegExp(
  "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*" +
    '@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$',
);

/** Two spellings of one address are one user: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The normalised address, or USERS_INVALID_EMAIL. */
export function validEmail(email: string): string {
  const normalised = normaliseEmail(email);
  if (normalised.length > EMAIL_MAX_LENGTH || !EMAIL.test(normalised)) throw invalidEmail(email);
  return normalised;
}

/** The trimmed name, or USERS_INVALID_NAME naming `field`. */
export function validName(name: string, field: string): string {
  const trimmed = name.trim();
  if (trimmed.length < NAME_MIN_LENGTH || trimmed.length > NAME_MAX_LENGTH) {
    throw invalidName(field, NAME_MIN_LENGTH, NAME_MAX_LENGTH);
  }
  return trimmed;
}

export function isLanguage(value: string): value is Language {
  return LANGUAGES.some((language) => language === value);
}

/** The language, or USERS_INVALID_LANGUAGE. */
export function validLanguage(language: string): Language {
  if (!isLanguage(language)) throw invalidLanguage(language, LANGUAGES);
  return language;
}
