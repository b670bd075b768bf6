import { isConveyorError } from '@conveyor/events';
import { deciderSpecification } from '@conveyor/events/testing';
import { describe, it } from 'vitest';
import { type RegisterUser, type UpdateUser, type UserRegistered, userDecider } from '../src/domain/user.ts';

const spec = deciderSpecification(userDecider);
const userId = '6f1c2a44-0d1e-4b3a-9a43-1f4a3b1f9e01';
const registeredAt = new Date('2025-01-02T03:04:05.000Z');
const updatedAt = new Date('2025-02-03T04:05:06.000Z');

const register = (data: Partial<RegisterUser['data']> = {}): RegisterUser => ({
  type: 'RegisterUser',
  data: { userId, email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', language: 'en', ...data },
  metadata: { now: registeredAt },
});
const update = (changes: UpdateUser['data']['changes']): UpdateUser => ({
  type: 'UpdateUser',
  data: { userId, changes },
  metadata: { now: updatedAt },
});
const registered: UserRegistered = {
  type: 'UserRegistered',
  data: {
    userId,
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    language: 'en',
    registeredAt: registeredAt.toISOString(),
  },
};
const refusedWith = (code: string, field?: string) => (error: unknown) =>
  isConveyorError(error, code) && (field === undefined || error.details.field === field);

describe('user decider: registering', () => {
  it('registers a new user with a normalised email, trimmed names and the command time', () => {
    spec
      .given([])
      .when(register({ email: '  Ada@Example.COM ', firstName: ' Ada ', lastName: 'Lovelace  ' }))
      .thenEmits([registered]);
  });

  it('refuses to register the same user twice', () => {
    spec.given([registered]).when(register()).thenThrows(refusedWith('USERS_ALREADY_REGISTERED'));
  });

  it.each([
    ['no @', 'ada.example.com'],
    ['no domain dot', 'ada@example'],
    ['a space inside', 'ada lovelace@example.com'],
    ['two @', 'ada@@example.com'],
    ['an empty local part', '@example.com'],
    ['more than 254 characters', `${'a'.repeat(250)}@example.com`],
  ])('refuses an email with %s', (_case, email) => {
    spec.given([]).when(register({ email })).thenThrows(refusedWith('USERS_INVALID_EMAIL', 'email'));
  });

  it('refuses an unknown language', () => {
    spec
      .given([])
      .when(register({ language: 'de' }))
      .thenThrows(refusedWith('USERS_INVALID_LANGUAGE', 'preferences.language'));
  });

  it('refuses blank and overlong names, naming the field', () => {
    spec
      .given([])
      .when(register({ firstName: '   ' }))
      .thenThrows(refusedWith('USERS_INVALID_NAME', 'profile.firstName'));
    spec
      .given([])
      .when(register({ lastName: 'x'.repeat(101) }))
      .thenThrows(refusedWith('USERS_INVALID_NAME', 'profile.lastName'));
  });
});

describe('user decider: updating', () => {
  it('records only the fields that change', () => {
    spec
      .given([registered])
      .when(update({ email: 'ADA@example.com', firstName: 'Augusta', language: 'fr' }))
      .thenEmits([
        {
          type: 'UserUpdated',
          data: {
            userId,
            changes: { firstName: 'Augusta', language: 'fr' },
            updatedAt: updatedAt.toISOString(),
          },
        },
      ]);
  });

  it('decides on the state after earlier updates', () => {
    const renamed = {
      type: 'UserUpdated' as const,
      data: { userId, changes: { lastName: 'King' }, updatedAt: updatedAt.toISOString() },
    };
    spec
      .given([registered, renamed])
      .when(update({ lastName: 'King' }))
      .thenEmits([]);
    spec
      .given([registered, renamed])
      .when(update({ lastName: 'Lovelace' }))
      .thenEmits([{ ...renamed, data: { ...renamed.data, changes: { lastName: 'Lovelace' } } }]);
  });

  it('emits nothing when nothing changes (same values, another spelling of the email)', () => {
    spec
      .given([registered])
      .when(update({ email: ' Ada@EXAMPLE.com', firstName: 'Ada ', language: 'en' }))
      .thenEmits([]);
    spec.given([registered]).when(update({})).thenEmits([]);
  });

  it('refuses to update a user that was never registered', () => {
    spec
      .given([])
      .when(update({ firstName: 'Ada' }))
      .thenThrows(refusedWith('USERS_NOT_FOUND'));
  });

  it('refuses the whole update when one field is invalid', () => {
    spec
      .given([registered])
      .when(update({ firstName: 'Augusta', email: 'not-an-email' }))
      .thenThrows(refusedWith('USERS_INVALID_EMAIL', 'email'));
    spec
      .given([registered])
      .when(update({ language: 'klingon' }))
      .thenThrows(refusedWith('USERS_INVALID_LANGUAGE', 'preferences.language'));
  });
});
