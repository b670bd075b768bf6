export { AvroCodec, type TopicBinding } from './codec/avro-codec.ts';
export { MessageCatalog, type MessageSchema, parseSchemaFile } from './codec/message-catalog.ts';
export type {
  BatchMessageHandler,
  BatchMessageHandlers,
  ConsumerRunnerOptions,
  MessageHandler,
  MessageHandlers,
  RetryOptions,
} from './consumer/consumer-options.ts';
export { ConsumerRunner, createConsumerRunner } from './consumer/consumer-runner.ts';
export { type ColumnDefinitions, createTable } from './db/create-table.ts';
export { createDatabase, type DatabaseOptions, migrate } from './db/database.ts';
export { eventsMigrations, OUTBOX_CHANNEL } from './db/migrations.ts';
export type {
  EventsDatabase,
  EventsTable,
  InboxTable,
  Json,
  OutboxTable,
  ProjectionDeadLettersTable,
} from './db/tables.ts';
export type { DeadLetter } from './dead-letters/dead-letter-format.ts';
export type { DeadLetterEvent, DeadLetterHook } from './dead-letters/dead-letter-hooks.ts';
export { type ListedDeadLetter, type ListOptions, listDeadLetters } from './dead-letters/list.ts';
export {
  defaultRedriveGroup,
  type RedriveOptions,
  type RedriveResult,
  redriveDeadLetters,
} from './dead-letters/redrive.ts';
export {
  type RedriveOneOptions,
  type RedriveOneResult,
  redriveDeadLetter,
} from './dead-letters/redrive-one.ts';
export type { Decider } from './decider.ts';
export {
  ConcurrencyError,
  ConveyorError,
  type EventsErrorCode,
  EventsErrorCodes,
  errorCatalogue,
  errorMessage,
  isConveyorError,
} from './errors.ts';
export {
  type CommandHandlerOptions,
  type CommandOutcome,
  handleCommand,
} from './event-store/command-handler.ts';
export {
  type AppendRequest,
  type AppendResult,
  EventStore,
  type ExpectedVersion,
  type NewEvent,
  type StoredEvent,
} from './event-store/event-store.ts';
export { type Logger, silentLogger } from './logger.ts';
export { causedBy, type IncomingMessage, type OutgoingMessage } from './messages/envelope.ts';
export { DeadLetterHeaders, Headers, REDRIVEN_FROM_HEADER, readHeaders } from './messages/headers.ts';
export {
  type MessageEnvelope,
  messageFactory,
  type TypedOutgoingMessage,
} from './messages/message-factory.ts';
export { type EventsExecutor, enqueueMessages, eventsView } from './outbox/outbox.ts';
export { type OutboxBacklog, OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay.ts';
export {
  type AnyProjection,
  defineProjection,
  generationSchema,
  type ProjectionBatchHandler,
  type ProjectionBatchHandlers,
  type ProjectionContext,
  type ProjectionDefinition,
  type ProjectionHandler,
  type ProjectionHandlers,
  type TypedProjectionDefinition,
} from './projections/projection.ts';
export { ProjectionHost, type ProjectionHostOptions } from './projections/projection-host.ts';
export { projectionLag } from './projections/projection-lag.ts';
export type { PoisonMessageOptions } from './projections/projection-options.ts';
export {
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
  rebuildAlreadyRunning,
  rebuildProjection,
} from './projections/projection-rebuild.ts';
export { ProjectionRunner, type ProjectionRunnerOptions } from './projections/projection-runner.ts';
export {
  type Checkpoints,
  checkpointKey,
  type GenerationState,
  ProjectionStore,
} from './projections/projection-store.ts';
export { deadLetterTopic, ensureTopics, type TopicSpec } from './topics/topic-admin.ts';
