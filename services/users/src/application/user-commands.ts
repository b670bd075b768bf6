import { handleCommand, isConveyorError } from '@conveyor/events';
import type { UsersDeps } from '../deps.ts';
import { userAlreadyRegistered, userNotFound } from '../domain/errors.ts';
import { decide, evolve, initialState, type UserCommand, userStreamId } from '../domain/user.ts';
import { userMessage } from './user-messages.ts';
import { findUser, saveUser, type UserView } from './user-rows.ts';

export interface RegisterUserInput {
  email: string;
  profile: { firstName: string; lastName: string };
  preferences: { language: string };
}

export interface UpdateUserInput {
  email?: string;
  profile?: { firstName?: string; lastName?: string };
  preferences?: { language?: string };
}

export interface CommandContext {
  /** Carried by the events' metadata and the outgoing messages. */
  correlationId: string;
  /** The version the caller last saw (If-Match); a different current version is a 409. */
  expectedVersion?: number;
}

/**
 * Registers the user `userId` (the caller's own id: records are bound to who creates them). A
 * second registration of one id, even a concurrent one, is USERS_ALREADY_REGISTERED.
 */
export async function registerUser(
  deps: UsersDeps,
  userId: string,
  input: RegisterUserInput,
  context: CommandContext,
): Promise<UserView> {
  try {
    return await handle(deps, userId, context, {
      type: 'RegisterUser',
      data: { userId, email: input.email, ...input.profile, ...input.preferences },
      metadata: { now: deps.clock() },
    });
  } catch (error) {
    // The stream was empty when read and is not any more: the same id registered meanwhile.
    if (isConveyorError(error, 'CONVEYOR_CONCURRENCY_CONFLICT')) throw userAlreadyRegistered(userId);
    throw error;
  }
}

/** Without If-Match, a write that lost a race is decided again on the new state (three times). */
export function updateUser(
  deps: UsersDeps,
  userId: string,
  input: UpdateUserInput,
  context: CommandContext,
): Promise<UserView> {
  return handle(deps, userId, context, {
    type: 'UpdateUser',
    data: { userId, changes: { email: input.email, ...input.profile, ...input.preferences } },
    metadata: { now: deps.clock() },
  });
}

/**
 * One command in one transaction: load the stream, decide, append the events with their messages
 * (outbox), then write the users row. An email taken, a stale version or a refused command rolls
 * everything back, so nothing is written.
 */
function handle(
  deps: UsersDeps,
  userId: string,
  context: CommandContext,
  command: UserCommand,
): Promise<UserView> {
  return handleCommand(deps.store, deps.db, {
    streamId: userStreamId(userId),
    decider: { decide, evolve, initialState },
    command: () => command,
    expectedVersion: context.expectedVersion,
    metadata: { correlationId: context.correlationId },
    messages: (event) => [userMessage(event, deps.topics.usersEvents, context.correlationId)],
    project: async (trx, { state, events, version }) => {
      if (events.length === 0) {
        const unchanged = await findUser(trx, userId);
        if (!unchanged) throw userNotFound(userId);
        return unchanged;
      }
      if (state.status !== 'registered') throw userNotFound(userId);
      return saveUser(trx, state.user, version);
    },
  });
}
