export { type TopicBinding, AvroCodec } from './codec/avro-codec.ts';
export { MessageCatalog, type MessageSchema, parseSchemaFile } from './codec/message-catalog.ts';
export { createDatabase, type DatabaseOptions, migrate } from './db/database.ts';
export { eventsMigrations, OUTBOX_CHANNEL } from './db/migrations.ts';
export type { EventsDatabase, EventsTable, InboxTable, Json, OutboxTable } from './db/tables.ts';
export {
  ConcurrencyError,
  ConveyorError,
  type EventsErrorCode,
  EventsErrorCodes,
  isConveyorError,
} from './errors.ts';
export {
  type AppendRequest,
  type AppendResult,
  EventStore,
  type ExpectedVersion,
  type NewEvent,
  type StoredEvent,
} from './event-store/event-store.ts';
export { causedBy, type IncomingMessage, type OutgoingMessage } from './messages/envelope.ts';
export { DeadLetterHeaders, Headers, readHeaders } from './messages/headers.ts';
export { type EventsExecutor, enqueueMessages } from './outbox/outbox.ts';
export { deadLetterTopic, ensureTopics, type TopicSpec } from './topics/topic-admin.ts';
