import type { ColumnType, Generated } from 'kysely';

/** jsonb: written as a JSON string (node-postgres would turn a JS array into a Postgres array), read parsed. */
export type Json<T = unknown> = ColumnType<T, string, string>;

export interface EventsTable {
  global_position: Generated<string>;
  stream_id: string;
  stream_version: number;
  type: string;
  data: Json;
  metadata: Json<Record<string, unknown>>;
  recorded_at: Generated<Date>;
}

export interface OutboxTable {
  id: Generated<string>;
  message_id: string;
  topic: string;
  key: string;
  message_type: string;
  headers: Json<Record<string, string>>;
  payload: Json;
  /** W3C traceparent of the enqueuing span; null when tracing was off. */
  trace_context: ColumnType<string | null, string | null | undefined, never>;
  created_at: Generated<Date>;
  published_at: ColumnType<Date | null, never, Date>;
}

export interface InboxTable {
  consumer: string;
  message_id: string;
  processed_at: Generated<Date>;
}

export interface ProjectionGenerationsTable {
  projection: string;
  served_generation: number;
  building_generation: number | null;
  switched_at: Date | null;
}

export interface ProjectionCheckpointsTable {
  projection: string;
  generation: number;
  topic: string;
  partition: number;
  next_offset: ColumnType<string, string | number, string | number>;
  updated_at: Generated<Date>;
}

/** A message a projection generation gave up on and sent to `<topic>.dlq`. */
export interface ProjectionDeadLettersTable {
  projection: string;
  generation: number;
  topic: string;
  partition: number;
  offset: ColumnType<string, string, never>;
  message_id: string;
  message_type: string | null;
  error_code: string;
  error: string;
  dead_lettered_at: Generated<Date>;
  /** When a re-driven copy of it was applied (or found it failing again): at most one copy applies. */
  redriven_at: ColumnType<Date | null, never, Date>;
}

/** The tables @conveyor/events owns in every service database. */
export interface EventsDatabase {
  events: EventsTable;
  outbox: OutboxTable;
  inbox: InboxTable;
  projection_generations: ProjectionGenerationsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  projection_dead_letters: ProjectionDeadLettersTable;
}
