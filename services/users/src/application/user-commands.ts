import { ConcurrencyError, isConveyorError, type StoredEvent } from '@conveyor/events';
import type { UsersDatabase } from '../db/tables.ts';
import type { UsersDeps } from '../deps.ts';
import { userAlreadyRegistered, userNotFound } from '../domain/errors.ts';
import {
  decide,
  evolve,
  initialState,
  type UserCommand,
  type UserEvent,
  type UserState,
  userStreamId,
} from '../domain/user.ts';
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

/** Without If-Match, a write that lost a race is decided again on the new state this many times. */
const ATTEMPTS_WITHOUT_PRECONDITION = 3;

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
    return await handle(deps, userId, context, () => ({
      type: 'RegisterUser',
      data: { userId, email: input.email, ...input.profile, ...input.preferences },
      metadata: { now: deps.clock() },
    }));
  } catch (error) {
    // The stream was empty when read and is not any more: the same id registered meanwhile.
    if (isConveyorError(error, 'CONVEYOR_CONCURRENCY_CONFLICT')) throw userAlreadyRegistered(userId);
    throw error;
  }
}

export async function updateUser(
  deps: UsersDeps,
  userId: string,
  input: UpdateUserInput,
  context: CommandContext,
): Promise<UserView> {
  const command = (): UserCommand => ({
    type: 'UpdateUser',
    data: { userId, changes: { email: input.email, ...input.profile, ...input.preferences } },
    metadata: { now: deps.clock() },
  });
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle(deps, userId, context, command);
    } catch (error) {
      const retry =
        context.expectedVersion === undefined &&
        attempt < ATTEMPTS_WITHOUT_PRECONDITION &&
        isConveyorError(error, 'CONVEYOR_CONCURRENCY_CONFLICT');
      if (!retry) throw error;
    }
  }
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
  command: () => UserCommand,
): Promise<UserView> {
  const streamId = userStreamId(userId);
  return deps.db.transaction().execute(async (trx) => {
    const { state, version } = await deps.store.aggregateStream<
      UserState,
      StoredEvent & UserEvent,
      UsersDatabase
    >(streamId, { initialState, evolve }, trx);
    const events = decide(command(), state);
    const { expectedVersion } = context;
    if (expectedVersion !== undefined && expectedVersion !== version) {
      throw new ConcurrencyError(streamId, expectedVersion, version);
    }
    if (events.length === 0) {
      const unchanged = await findUser(trx, userId);
      if (!unchanged) throw userNotFound(userId);
      return unchanged;
    }
    const next = events.reduce(evolve, state);
    if (next.status !== 'registered') throw userNotFound(userId);
    await deps.store.append(
      {
        streamId,
        expectedVersion: version,
        events: events.map((event) => ({ ...event, metadata: { correlationId: context.correlationId } })),
        messages: events.map((event) => userMessage(event, deps.topics.usersEvents, context.correlationId)),
      },
      trx,
    );
    return saveUser(trx, next.user, version + events.length);
  });
}
