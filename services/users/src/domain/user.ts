import type { Decider } from '@conveyor/events';
import { userAlreadyRegistered, userNotFound } from './errors.ts';
import { type Language, validEmail, validLanguage, validName } from './user-fields.ts';

export interface User {
  userId: string;
  /** Normalised (trimmed, lower-cased). */
  email: string;
  firstName: string;
  lastName: string;
  language: Language;
  /** ISO 8601 instants. */
  createdAt: string;
  updatedAt: string;
}

/** The fields an update can change; absent means unchanged. */
export interface UserChanges {
  email?: string;
  firstName?: string;
  lastName?: string;
  language?: Language;
}

/** Time reaches the domain in the command, never from a clock inside it. */
export interface CommandMetadata {
  now: Date;
}

export interface RegisterUser {
  type: 'RegisterUser';
  data: { userId: string; email: string; firstName: string; lastName: string; language: string };
  metadata: CommandMetadata;
}

export interface UpdateUser {
  type: 'UpdateUser';
  data: {
    userId: string;
    changes: { email?: string; firstName?: string; lastName?: string; language?: string };
  };
  metadata: CommandMetadata;
}

export type UserCommand = RegisterUser | UpdateUser;

export interface UserRegistered {
  type: 'UserRegistered';
  data: {
    userId: string;
    email: string;
    firstName: string;
    lastName: string;
    language: Language;
    registeredAt: string;
  };
}

export interface UserUpdated {
  type: 'UserUpdated';
  /** Only the fields whose value changed. */
  data: { userId: string; changes: UserChanges; updatedAt: string };
}

export type UserEvent = UserRegistered | UserUpdated;

export type UserState = { status: 'unregistered' } | { status: 'registered'; user: User };

export const userStreamId = (userId: string) => `user-${userId}`;

export function initialState(): UserState {
  return { status: 'unregistered' };
}

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      return register(command, state);
    case 'UpdateUser':
      return update(command, state);
    default:
      return unknownMessage(command);
  }
}

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { registeredAt, ...user } = event.data;
      return { status: 'registered', user: { ...user, createdAt: registeredAt, updatedAt: registeredAt } };
    }
    case 'UserUpdated':
      if (state.status !== 'registered') return state;
      return {
        status: 'registered',
        user: { ...state.user, ...event.data.changes, updatedAt: event.data.updatedAt },
      };
    default:
      return unknownMessage(event);
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = { decide, evolve, initialState };

function register({ data, metadata }: RegisterUser, state: UserState): UserEvent[] {
  if (state.status === 'registered') throw userAlreadyRegistered(data.userId);
  return [
    {
      type: 'UserRegistered',
      data: {
        userId: data.userId,
        email: validEmail(data.email),
        firstName: validName(data.firstName, 'profile.firstName'),
        lastName: validName(data.lastName, 'profile.lastName'),
        language: validLanguage(data.language),
        registeredAt: metadata.now.toISOString(),
      },
    },
  ];
}

function update({ data, metadata }: UpdateUser, state: UserState): UserEvent[] {
  if (state.status !== 'registered') throw userNotFound(data.userId);
  const { user } = state;
  const { email, firstName, lastName, language } = data.changes;
  // Validate everything asked for first, so a bad field refuses the whole update.
  const wanted: UserChanges = {
    email: email === undefined ? undefined : validEmail(email),
    firstName: firstName === undefined ? undefined : validName(firstName, 'profile.firstName'),
    lastName: lastName === undefined ? undefined : validName(lastName, 'profile.lastName'),
    language: language === undefined ? undefined : validLanguage(language),
  };
  const changes: UserChanges = {};
  if (wanted.email !== undefined && wanted.email !== user.email) changes.email = wanted.email;
  if (wanted.firstName !== undefined && wanted.firstName !== user.firstName)
    changes.firstName = wanted.firstName;
  if (wanted.lastName !== undefined && wanted.lastName !== user.lastName) changes.lastName = wanted.lastName;
  if (wanted.language !== undefined && wanted.language !== user.language) changes.language = wanted.language;
  if (Object.keys(changes).length === 0) return [];
  return [
    { type: 'UserUpdated', data: { userId: user.userId, changes, updatedAt: metadata.now.toISOString() } },
  ];
}

function unknownMessage(message: never): never {
  throw new Error(`unknown message ${JSON.stringify(message)}`);
}
