import { isConveyorError } from '@conveyor/events';
import { describe, expect, it } from 'vitest';
import { normaliseEmail, validEmail, validLanguage, validName } from '../src/domain/user-fields.ts';
import { trimStrings } from '../src/http/trim-strings.ts';

describe('email normalisation', () => {
  it('trims and lower-cases, so two spellings of one address are equal', () => {
    expect(normaliseEmail(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(normaliseEmail('\tADA@EXAMPLE.COM\n')).toBe(normaliseEmail('ada@example.com'));
  });

  it.each(['ada@example.com', 'ada.lovelace+news@mail.example.co.uk', "o'brien@example.ie", 'x@a-b.io'])(
    'accepts %s',
    (email) => {
      expect(validEmail(email)).toBe(email.toLowerCase());
    },
  );

  it.each([
    '',
    'ada',
    'ada@',
    'ada@example',
    'ada@-example.com',
    'ada..lovelace@example.com',
    '.ada@example.com',
    '"ada"@example.com',
    'ada@[127.0.0.1]',
  ])('refuses %j with USERS_INVALID_EMAIL naming the field', (email) => {
    let thrown: unknown;
    try {
      validEmail(email);
    } catch (error) {
      thrown = error;
    }
    expect(isConveyorError(thrown, 'USERS_INVALID_EMAIL')).toBe(true);
    expect((thrown as { statusCode: number; details: unknown }).statusCode).toBe(400);
    expect((thrown as { details: unknown }).details).toEqual({ field: 'email' });
  });

  it('bounds the length at 254 characters after normalisation', () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(`${local}@${domain}`).toHaveLength(254);
    expect(validEmail(`  ${local}@${domain}  `)).toHaveLength(254);
    expect(() => validEmail(`${local}a@${domain}`)).toThrow(/not an address/);
  });
});

describe('names, languages and trimming', () => {
  it('trims names and bounds them to 1..100 characters', () => {
    expect(validName('  Ada ', 'profile.firstName')).toBe('Ada');
    expect(validName('x'.repeat(100), 'profile.firstName')).toHaveLength(100);
    expect(() => validName(' ', 'profile.lastName')).toThrow('profile.lastName must be 1 to 100 characters');
  });

  it('knows en, es and fr only', () => {
    expect(['en', 'es', 'fr'].map(validLanguage)).toEqual(['en', 'es', 'fr']);
    expect(() => validLanguage('EN')).toThrow(/not one of en, es, fr/);
  });

  it('trims every string of a body at any depth and leaves the rest alone', () => {
    expect(trimStrings({ a: ' x ', b: { c: ['  y'], d: 1, e: null, f: true } })).toEqual({
      a: 'x',
      b: { c: ['y'], d: 1, e: null, f: true },
    });
    expect(trimStrings(undefined)).toBeUndefined();
  });
});
