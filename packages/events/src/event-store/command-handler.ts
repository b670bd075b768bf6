import type { Kysely, Transaction } from 'kysely';
import type { EventsDatabase } from '../db/tables.ts';
import type { Decider } from '../decider.ts';
import { ConcurrencyError, invalidOptions, isConveyorError } from '../errors.ts';
import type { OutgoingMessage } from '../messages/envelope.ts';
import type { EventStore, NewEvent, StoredEvent } from './event-store.ts';

/** What a command did to its stream. */
export interface CommandOutcome<Event, State> {
  /** The state after the events (the loaded state when there are none). */
  state: State;
  /** The state the command was decided on. */
  previous: State;
  /** What `decide` returned; empty when the command changed nothing. */
  events: Event[];
  /** The stream's version after the append. */
  version: number;
}

export interface CommandHandlerOptions<
  Command,
  Event extends NewEvent,
  State,
  DB extends EventsDatabase,
  Result,
> {
  streamId: string;
  decider: Decider<Command, Event, State>;
  /**
   * The command, built on the loaded state (built again on a retry): what the application learnt
   * outside the domain (a provider's answer, locked rows) arrives here, so `decide` stays pure.
   */
  command: (state: State) => Command;
  /**
   * The version the caller last saw (an HTTP If-Match): a stream at another version is a
   * ConcurrencyError (CONVEYOR_CONCURRENCY_CONFLICT, 409), never retried.
   * @default undefined (decided on whatever version is current)
   */
  expectedVersion?: number;
  /** Metadata stored with each event (correlation and causation ids). @default {} */
  metadata?: Record<string, unknown>;
  /** The messages an event publishes, enqueued in the outbox with the events. @default none */
  messages?: (event: Event, state: State) => readonly OutgoingMessage[];
  /**
   * Runs in the transaction before the stream is read: a lock that serialises the stream's
   * writers. @default nothing
   */
  beforeLoad?: (trx: Transaction<DB>) => Promise<void>;
  /**
   * Writes what follows from the events in the same transaction (the service's own rows: its
   * inline projection) and returns the command's answer. It runs when there are no events too.
   */
  project: (trx: Transaction<DB>, outcome: CommandOutcome<Event, State>) => Promise<Result>;
  /**
   * Times a command without `expectedVersion` is decided, on the new state, after another writer
   * appended first. Only in a transaction of its own: an append that failed has aborted the
   * caller's transaction, so there the conflict is thrown and the caller (a consumer) retries.
   * @default 3
   */
  attempts?: number;
}

const DEFAULT_ATTEMPTS = 3;

/**
 * One command: load the stream, decide, append the events with their messages (the outbox), then
 * the inline projection, all in one transaction. `executor` is a Kysely instance (a transaction of
 * its own, retried on a concurrency conflict) or the caller's transaction (the consumer's, whose
 * inbox row commits with the effect).
 */
export async function handleCommand<
  Command,
  Event extends NewEvent,
  State,
  DB extends EventsDatabase,
  Result,
>(
  store: EventStore,
  executor: Kysely<DB> | Transaction<DB>,
  options: CommandHandlerOptions<Command, Event, State, DB, Result>,
): Promise<Result> {
  if (isTransaction(executor)) return runOnce(store, executor, options);
  const attempts = options.expectedVersion === undefined ? (options.attempts ?? DEFAULT_ATTEMPTS) : 1;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw invalidOptions('command handler', `attempts must be an integer >= 1, got ${attempts}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await executor.transaction().execute((trx) => runOnce(store, trx, options));
    } catch (error) {
      const retry = attempt < attempts && isConveyorError(error, 'CONVEYOR_CONCURRENCY_CONFLICT');
      if (!retry) throw error;
    }
  }
}

async function runOnce<Command, Event extends NewEvent, State, DB extends EventsDatabase, Result>(
  store: EventStore,
  trx: Transaction<DB>,
  options: CommandHandlerOptions<Command, Event, State, DB, Result>,
): Promise<Result> {
  const { streamId, decider } = options;
  await options.beforeLoad?.(trx);
  const { state: previous, version } = await store.aggregateStream<State, StoredEvent & Event, DB>(
    streamId,
    decider,
    trx,
  );
  if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
    throw new ConcurrencyError(streamId, options.expectedVersion, version);
  }
  const events = decider.decide(options.command(previous), previous);
  const state = events.reduce(decider.evolve, previous);
  if (events.length > 0) {
    const metadata = options.metadata ?? {};
    const messages = options.messages;
    await store.append(
      {
        streamId,
        expectedVersion: version,
        events: events.map(({ type, data }) => ({ type, data, metadata })),
        messages: messages ? events.flatMap((event) => messages(event, state)) : [],
      },
      trx,
    );
  }
  return options.project(trx, { state, previous, events, version: version + events.length });
}

/** Kysely's transactions are Kysely instances with `isTransaction` set. */
function isTransaction<DB>(db: Kysely<DB>): db is Transaction<DB> {
  return db.isTransaction;
}
