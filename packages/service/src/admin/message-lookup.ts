import type { EventsDatabase } from '@conveyor/events';
import { type Kysely, sql } from 'kysely';

/** A message this service's consumer applied (its inbox row). */
export interface InboxRecord {
  consumer: string;
  messageId: string;
  processedAt: string;
}

/** One send of a message through this service's outbox: a resent command has one row per send. */
export interface OutboxRecord {
  messageId: string;
  topic: string;
  key: string;
  type: string;
  /** The message it answers or follows (a reply names its command). */
  causationId: string | null;
  /** The trace id of the row's traceparent, when the sender traced it. */
  traceId: string | null;
  createdAt: string;
  /** null while the relay has not published it. */
  publishedAt: string | null;
}

/** What one service knows of some messages; payloads are left out (they may carry secrets). */
export interface MessageLookup {
  service: string;
  inbox: InboxRecord[];
  outbox: OutboxRecord[];
}

/**
 * The inbox rows of the messages, and the outbox rows that sent them or were caused by them (the
 * replies to a command). Published outbox rows are pruned after the relay's retention, so an old
 * message may have none. The causation lookup scans the outbox's headers: the outbox holds what
 * is in flight or recently published, which keeps that cheap without an index.
 */
export async function lookupMessages(
  db: Kysely<EventsDatabase>,
  service: string,
  messageIds: readonly string[],
): Promise<MessageLookup> {
  if (messageIds.length === 0) return { service, inbox: [], outbox: [] };
  const ids = [...messageIds];
  const [inbox, outbox] = await Promise.all([
    db
      .selectFrom('inbox')
      .select(['consumer', 'message_id', 'processed_at'])
      .where('message_id', 'in', ids)
      .orderBy('processed_at')
      .execute(),
    db
      .selectFrom('outbox')
      .select([
        'message_id',
        'topic',
        'key',
        'message_type',
        'created_at',
        'published_at',
        sql<string | null>`headers->>'causation-id'`.as('causation_id'),
        sql<string | null>`headers->>'traceparent'`.as('traceparent'),
      ])
      .where((eb) =>
        eb.or([eb('message_id', 'in', ids), eb(sql<string>`headers->>'causation-id'`, 'in', ids)]),
      )
      .orderBy('id')
      .execute(),
  ]);
  return {
    service,
    inbox: inbox.map((row) => ({
      consumer: row.consumer,
      messageId: row.message_id,
      processedAt: row.processed_at.toISOString(),
    })),
    outbox: outbox.map((row) => ({
      messageId: row.message_id,
      topic: row.topic,
      key: row.key,
      type: row.message_type,
      causationId: row.causation_id,
      traceId: traceIdOf(row.traceparent),
      createdAt: row.created_at.toISOString(),
      publishedAt: row.published_at?.toISOString() ?? null,
    })),
  };
}

/** `00-<trace id>-<span id>-<flags>` (W3C trace context). */
function traceIdOf(traceparent: string | null): string | null {
  const match =
    traceparent === null ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return match?.[1] ?? null;
}
