import { inSpan, tracingEnabled } from '@conveyor/telemetry';
import type { Kysely } from 'kysely';
import type { MessageCatalog } from '../codec/message-catalog.ts';
import type { EventsDatabase } from '../db/tables.ts';
import { ConcurrencyError } from '../errors.ts';
import { propertyOf } from '../internal/guards.ts';
import type { OutgoingMessage } from '../messages/envelope.ts';
import { type EventsExecutor, eventsView, outboxRows } from '../outbox/outbox.ts';
import { runAppendStatement } from './append-statement.ts';

/** An event to append. `type` names the domain event; `data` is stored as jsonb. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
  metadata?: Record<string, unknown>;
}

export interface StoredEvent<TType extends string = string, TData = unknown> extends NewEvent<TType, TData> {
  streamId: string;
  /** 1 for the first event of a stream. */
  version: number;
  globalPosition: string;
  recordedAt: Date;
  metadata: Record<string, unknown>;
}

/**
 * The version the caller last saw: the number of events in the stream (0 for a new stream).
 * `any` skips the check.
 */
export type ExpectedVersion = number | 'any';

export interface AppendRequest<E extends NewEvent = NewEvent> {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: readonly E[];
  /** Messages for the outbox, committed in the same transaction as the events. */
  messages?: readonly OutgoingMessage[];
}

export interface AppendResult {
  /** The stream's version after the append. */
  nextVersion: number;
  messageIds: string[];
}

const UNIQUE_VIOLATION = '23505';

/** Event streams with optimistic concurrency, and the outbox beside them in every append. */
export class EventStore<DB extends EventsDatabase = EventsDatabase> {
  private readonly db: Kysely<EventsDatabase>;

  /** `db`: the service's database, whatever its schema beyond the events tables. */
  constructor(
    db: Kysely<DB>,
    private readonly catalog: MessageCatalog,
  ) {
    this.db = eventsView(db);
  }

  /**
   * Appends events and enqueues messages atomically, in the caller's transaction when given, else
   * as one statement of its own. A stale expected version throws ConcurrencyError
   * (CONVEYOR_CONCURRENCY_CONFLICT, 409) and writes nothing.
   */
  append<DB extends EventsDatabase>(
    request: AppendRequest,
    executor?: EventsExecutor<DB>,
  ): Promise<AppendResult> {
    if (!tracingEnabled()) return this.appendNow(request, executor);
    // The span is the enqueuing one: the outbox rows carry its trace context to the relay.
    const attributes = { 'conveyor.stream_id': request.streamId, 'conveyor.events': request.events.length };
    return inSpan(`event-store append ${request.events.map((e) => e.type).join(', ')}`, { attributes }, () =>
      this.appendNow(request, executor),
    );
  }

  private async appendNow<DB extends EventsDatabase>(
    request: AppendRequest,
    executor?: EventsExecutor<DB>,
  ): Promise<AppendResult> {
    const { streamId, expectedVersion, events } = request;
    // Validates the messages before anything is written, so a bad one leaves the stream untouched.
    const outbox = outboxRows(this.catalog, request.messages ?? []);
    let outcome: { current: number; appended: boolean };
    try {
      outcome = await runAppendStatement(executor ? eventsView(executor) : this.db, {
        streamId,
        expectedVersion: expectedVersion === 'any' ? null : expectedVersion,
        events: events.map((event) => ({
          type: event.type,
          data: event.data,
          metadata: event.metadata ?? {},
        })),
        outbox,
      });
    } catch (error) {
      // Another writer appended between our read of the version and our insert, and committed
      // (the insert waited for it): read what it left from the pool, outside a caller's aborted
      // transaction. An `any` append lost a race to the version it read, the one before.
      if (propertyOf(error, 'code') === UNIQUE_VIOLATION) {
        const actual = await this.committedVersion(streamId);
        throw new ConcurrencyError(
          streamId,
          expectedVersion === 'any' ? actual - 1 : expectedVersion,
          actual,
        );
      }
      throw error;
    }
    if (!outcome.appended) {
      throw new ConcurrencyError(
        streamId,
        expectedVersion === 'any' ? outcome.current : expectedVersion,
        outcome.current,
      );
    }
    return { nextVersion: outcome.current + events.length, messageIds: outbox.map((row) => row.message_id) };
  }

  async readStream<DB extends EventsDatabase>(
    streamId: string,
    trx?: EventsExecutor<DB>,
  ): Promise<StoredEvent[]> {
    const rows = await (trx ? eventsView(trx) : this.db)
      .selectFrom('events')
      .selectAll()
      .where('stream_id', '=', streamId)
      .orderBy('stream_version')
      .execute();
    return rows.map((row) => ({
      streamId: row.stream_id,
      version: row.stream_version,
      globalPosition: row.global_position,
      type: row.type,
      data: row.data,
      metadata: row.metadata,
      recordedAt: row.recorded_at,
    }));
  }

  /** Folds a stream with `evolve`; the version is what to pass as expectedVersion next. */
  async aggregateStream<S, E extends StoredEvent = StoredEvent, T extends EventsDatabase = EventsDatabase>(
    streamId: string,
    options: { initialState: () => S; evolve: (state: S, event: E) => S },
    trx?: EventsExecutor<T>,
  ): Promise<{ state: S; version: number }> {
    // The one place a stream's events meet their type: a stream holds only what its decider appended.
    const events = (await this.readStream(streamId, trx)) as E[];
    const state = events.reduce(options.evolve, options.initialState());
    return { state, version: events.length };
  }

  private async committedVersion(streamId: string): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('stream_version').as('version'))
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    return Number(row?.version ?? 0);
  }
}
