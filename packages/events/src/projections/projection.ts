import type { Kysely, QueryCreator } from 'kysely';
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

/** Handlers by message type, each receiving its type's payload from the catalogue `Types`. */
export type ProjectionHandlers<Tables, Types> = {
  [K in keyof Types & string]?: ProjectionHandler<Tables, K, Types[K]>;
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
}

/** A projection whose handlers are typed by a message catalogue (type → payload). */
export interface TypedProjectionDefinition<Tables, Types>
  extends Omit<ProjectionDefinition<Tables>, 'handlers'> {
  /** Handlers by message type; other types on its topics are skipped. */
  handlers: ProjectionHandlers<Tables, Types>;
}

/**
 * A projection whose handlers receive their message type's payload: with schemas' catalogue,
 * `defineProjection<MyTables, MessageTypes>({ handlers: { 'user.created': (m) => m.data.email } })`.
 * The result is an ordinary definition, to list beside projections of other tables.
 */
export function defineProjection<Tables, Types>(
  definition: TypedProjectionDefinition<Tables, Types>,
): ProjectionDefinition<Tables> {
  return {
    ...definition,
    handlers: Object.fromEntries(eraseHandlers<ProjectionContext<Tables>>(definition.handlers)),
  };
}

/** The schema holding one generation of a projection's tables. */
export function generationSchema(projection: string, generation: number): string {
  return `proj_${projection.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_g${generation}`;
}

// biome-ignore lint/suspicious/noExplicitAny: projections of different table types side by side
export type AnyProjection = ProjectionDefinition<any>;
