import type { Kysely, QueryCreator } from 'kysely';
import { invalidOptions } from '../errors.ts';
import { eraseHandlers } from '../internal/erase-handlers.ts';
import type { IncomingMessage } from '../messages/envelope.ts';

/**
 * What a projection handler may touch: its own tables, in the generation being filled, through a
 * transaction that also moves the checkpoint. There is no outbox and no producer here on purpose:
 * a replay must not send commands or publish anything again.
 */
export interface ProjectionContext<Tables> {
  /** The transaction, scoped to the generation's schema: `db.insertInto('user_orders')`. */
  db: QueryCreator<Tables>;
  generation: number;
}

export type ProjectionHandler<Tables, TType extends string = string, TData = unknown> = (
  message: IncomingMessage<TType, TData>,
  ctx: ProjectionContext<Tables>,
) => Promise<void>;

/**
 * A handler of consecutive messages of one type, in partition order, in one call: one multi-row
 * statement for what a handler would write row by row (a rebuild reads hundreds at a time). A
 * multi-row upsert must merge messages for the same row first (Postgres refuses to update a row
 * twice in one INSERT … ON CONFLICT).
 */
export type ProjectionBatchHandler<Tables, TType extends string = string, TData = unknown> = (
  messages: readonly IncomingMessage<TType, TData>[],
  ctx: ProjectionContext<Tables>,
) => Promise<void>;

/** Handlers by message type, each receiving its type's payload from the catalogue `Types`. */
export type ProjectionHandlers<Tables, Types> = {
  [K in keyof Types & string]?: ProjectionHandler<Tables, K, Types[K]>;
};

/** Batch handlers by message type, each receiving its type's payloads from the catalogue `Types`. */
export type ProjectionBatchHandlers<Tables, Types> = {
  [K in keyof Types & string]?: ProjectionBatchHandler<Tables, K, Types[K]>;
};

export interface ProjectionDefinition<Tables = Record<string, unknown>> {
  /** e.g. `orders.user-orders`; also names its schemas (`proj_orders_user_orders_g2`). */
  name: string;
  topics: string[];
  /** The tables it owns, by name; queries read them through views of these names. */
  tables: (keyof Tables & string)[];
  /**
   * Creates the tables in the given schema (one per generation), through raw SQL: the tables do
   * not exist yet, so no table type applies to `db`.
   */
  createTables: <DB>(db: Kysely<DB>, schema: string) => Promise<void>;
  /** Handlers by message type; other types on its topics are skipped. */
  handlers: Record<string, ProjectionHandler<Tables>>;
  /**
   * Handlers of runs of messages by type (a type has a handler or a batch handler, not both). A run
   * that fails is applied again one message at a time, so a poison message is found and
   * dead-lettered alone; with tracing on each message is its own call, in its own span.
   */
  batchHandlers?: Record<string, ProjectionBatchHandler<Tables>>;
}

/** A projection whose handlers are typed by a message catalogue (type → payload). */
export interface TypedProjectionDefinition<Tables, Types>
  extends Omit<ProjectionDefinition<Tables>, 'handlers' | 'batchHandlers'> {
  /** Handlers by message type; other types on its topics are skipped. */
  handlers: ProjectionHandlers<Tables, Types>;
  /** Batch handlers by message type (see ProjectionDefinition.batchHandlers). */
  batchHandlers?: ProjectionBatchHandlers<Tables, Types>;
}

/**
 * A projection whose handlers receive their message type's payload: with schemas' catalogue,
 * `defineProjection<MyTables, MessageTypes>({ handlers: { 'user.created': (m) => m.data.email } })`.
 * The result is an ordinary definition, to list beside projections of other tables.
 */
export function defineProjection<Tables, Types>(
  definition: TypedProjectionDefinition<Tables, Types>,
): ProjectionDefinition<Tables> {
  const handlers = eraseHandlers<ProjectionContext<Tables>>(definition.handlers);
  const batchHandlers = eraseHandlers<ProjectionContext<Tables>, readonly IncomingMessage[]>(
    definition.batchHandlers ?? {},
  );
  const both = [...batchHandlers.keys()].filter((type) => handlers.has(type));
  if (both.length > 0)
    throw invalidOptions(
      `projection ${definition.name}`,
      `${both.join(', ')} has both a handler and a batch handler; give each type one`,
    );
  return {
    ...definition,
    handlers: Object.fromEntries(handlers),
    batchHandlers: Object.fromEntries(batchHandlers),
  };
}

/** The schema holding one generation of a projection's tables. */
export function generationSchema(projection: string, generation: number): string {
  return `proj_${projection.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_g${generation}`;
}

// biome-ignore lint/suspicious/noExplicitAny: projections of different table types side by side
export type AnyProjection = ProjectionDefinition<any>;
