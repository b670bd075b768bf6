import { randomUUID } from 'node:crypto';
import { activeTraceparent, inSpan, tracingEnabled } from '@conveyor/telemetry';
import type { Kysely, Transaction } from 'kysely';
import type { MessageCatalog } from '../codec/message-catalog.ts';
import type { EventsDatabase } from '../db/tables.ts';
import type { OutgoingMessage } from '../messages/envelope.ts';
import { Headers } from '../messages/headers.ts';

/** A database or transaction whose schema includes the events tables (a service's own DB type). */
export type EventsExecutor<DB extends EventsDatabase = EventsDatabase> = Kysely<DB> | Transaction<DB>;

/** Kysely's types are invariant in the schema; the events tables are all this module touches. */
export function eventsView<DB extends EventsDatabase>(db: EventsExecutor<DB>): Kysely<EventsDatabase> {
  return db as unknown as Kysely<EventsDatabase>;
}

/** An outbox row as written, before its jsonb columns are serialised. */
export interface OutboxRow {
  message_id: string;
  topic: string;
  key: string;
  message_type: string;
  headers: Record<string, string>;
  payload: unknown;
  /** The enqueuing span's traceparent (null without tracing): the relay's send span continues it. */
  trace_context: string | null;
}

/**
 * The outbox rows of messages, in order, after validating every one of them against its schema:
 * an unknown type or a bad payload throws before any row is written.
 */
export function outboxRows(catalog: MessageCatalog, messages: readonly OutgoingMessage[]): OutboxRow[] {
  for (const message of messages) catalog.validate(message.type, message.data);
  const traceContext = activeTraceparent() ?? null;
  return messages.map((message) => {
    const messageId = message.messageId ?? randomUUID();
    const headers: Record<string, string> = {
      ...message.headers,
      [Headers.messageId]: messageId,
      [Headers.messageType]: message.type,
      [Headers.correlationId]: message.correlationId ?? messageId,
    };
    if (message.causationId) headers[Headers.causationId] = message.causationId;
    if (message.traceparent) headers[Headers.traceparent] = message.traceparent;
    return {
      message_id: messageId,
      topic: message.topic,
      key: message.key,
      message_type: message.type,
      headers,
      payload: message.data,
      trace_context: traceContext,
    };
  });
}

/**
 * Writes messages to the outbox in the caller's transaction (see outboxRows: nothing is written
 * when one of them is invalid). Returns the message ids in order.
 */
export async function enqueueMessages<DB extends EventsDatabase>(
  trx: EventsExecutor<DB>,
  catalog: MessageCatalog,
  messages: readonly OutgoingMessage[],
): Promise<string[]> {
  if (messages.length === 0) return [];
  if (!tracingEnabled()) return insertOutboxRows(trx, catalog, messages);
  return inSpan(`outbox enqueue ${messages.map((m) => m.type).join(', ')}`, {}, () =>
    insertOutboxRows(trx, catalog, messages),
  );
}

async function insertOutboxRows<DB extends EventsDatabase>(
  trx: EventsExecutor<DB>,
  catalog: MessageCatalog,
  messages: readonly OutgoingMessage[],
): Promise<string[]> {
  const rows = outboxRows(catalog, messages);
  await eventsView(trx)
    .insertInto('outbox')
    .values(
      rows.map((row) => ({
        ...row,
        headers: JSON.stringify(row.headers),
        payload: JSON.stringify(row.payload),
      })),
    )
    .execute();
  return rows.map((r) => r.message_id);
}
