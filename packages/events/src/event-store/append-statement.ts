import { type Kysely, sql } from 'kysely';
import type { EventsDatabase } from '../db/tables.ts';
import type { OutboxRow } from '../outbox/outbox.ts';

export interface AppendRows {
  streamId: string;
  /** The version the stream must be at; null appends after whatever it holds. */
  expectedVersion: number | null;
  events: readonly { type: string; data: unknown; metadata: Record<string, unknown> }[];
  outbox: readonly OutboxRow[];
}

export interface AppendOutcome {
  /** The stream's version before the append, as the statement read it. */
  current: number;
  /** False when the stream was not at the expected version: nothing was written. */
  appended: boolean;
}

/**
 * One statement appends the events at the versions after the stream's current one and writes the
 * outbox rows, both only when the stream is at the expected version: outside a transaction that is
 * one round trip and one commit. Two appends racing past the version check collide on the
 * `(stream_id, stream_version)` unique key, which the caller turns into a concurrency conflict.
 * The outbox rows are inserted in their order, so their ids (the relay's order) follow it.
 */
export async function runAppendStatement(
  db: Kysely<EventsDatabase>,
  rows: AppendRows,
): Promise<AppendOutcome> {
  const { streamId, expectedVersion } = rows;
  const result = await sql<{ current: number; appended: boolean }>`
    WITH current_version AS (
      SELECT coalesce(max(stream_version), 0)::int AS version FROM events WHERE stream_id = ${streamId}
    ), allowed AS (
      SELECT version FROM current_version
      WHERE ${expectedVersion}::int IS NULL OR version = ${expectedVersion}::int
    ), appended_events AS (
      INSERT INTO events (stream_id, stream_version, type, data, metadata)
      SELECT ${streamId}, allowed.version + e.ord, e.value->>'type', e.value->'data', e.value->'metadata'
      FROM allowed, jsonb_array_elements(${JSON.stringify(rows.events)}::jsonb) WITH ORDINALITY AS e(value, ord)
      ORDER BY e.ord
      RETURNING 1
    ), enqueued AS (
      INSERT INTO outbox (message_id, topic, key, message_type, headers, payload, trace_context)
      SELECT (m.value->>'message_id')::uuid, m.value->>'topic', m.value->>'key', m.value->>'message_type',
        m.value->'headers', m.value->'payload', m.value->>'trace_context'
      FROM allowed, jsonb_array_elements(${JSON.stringify(rows.outbox)}::jsonb) WITH ORDINALITY AS m(value, ord)
      ORDER BY m.ord
      RETURNING 1
    )
    SELECT version AS current, EXISTS (SELECT 1 FROM allowed) AS appended FROM current_version`.execute(db);
  const [row] = result.rows;
  return { current: row?.current ?? 0, appended: row?.appended ?? false };
}
