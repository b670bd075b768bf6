import type { Kysely, QueryCreator } from 'kysely';
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

export type ProjectionHandler<Tables> = (
  message: IncomingMessage,
  ctx: ProjectionContext<Tables>,
) => Promise<void>;

export interface ProjectionDefinition<Tables = Record<string, unknown>> {
  /** e.g. `orders.user-orders`; also names its schemas (`proj_orders_user_orders_g2`). */
  name: string;
  topics: string[];
  /** The tables it owns, by name; queries read them through views of these names. */
  tables: (keyof Tables & string)[];
  /** Creates the tables in the given schema (one per generation). */
  createTables: (db: Kysely<unknown>, schema: string) => Promise<void>;
  /** Handlers by message type; other types on its topics are skipped. */
  handlers: Record<string, ProjectionHandler<Tables>>;
}

/** The schema holding one generation of a projection's tables. */
export function generationSchema(projection: string, generation: number): string {
  return `proj_${projection.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_g${generation}`;
}

// biome-ignore lint/suspicious/noExplicitAny: projections of different table types side by side
export type AnyProjection = ProjectionDefinition<any>;
