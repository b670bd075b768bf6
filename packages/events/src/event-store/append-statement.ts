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
 * One statement (the `conveyor_append` function of migration 0006) appends the events at the
 * versions after the stream's current one and writes the outbox rows, both only when the stream
 * is at the expected version: outside a transaction that is one round trip and one commit. Two
 * appends racing past the version check collide on the `(stream_id, stream_version)` unique key,
 * which the caller turns into a concurrency conflict.
 */
export async function runAppendStatement(
  db: Kysely<EventsDatabase>,
  rows: AppendRows,
): Promise<AppendOutcome> {
  const result = await sql<{ current_version: number; appended: boolean }>`
    SELECT current_version, appended FROM conveyor_append(
      ${rows.streamId}, ${rows.expectedVersion}::integer,
      ${JSON.stringify(rows.events)}::jsonb, ${JSON.stringify(rows.outbox)}::jsonb
    )`.execute(db);
  const [row] = result.rows;
  return { current: row?.current_version ?? 0, appended: row?.appended ?? false };
}
