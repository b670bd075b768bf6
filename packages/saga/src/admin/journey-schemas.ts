import { type Static, type TSchema, Type } from 'typebox';
import { SagaDetail } from './admin-schemas.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });

/**
 * What a service's `GET /admin/messages?ids=` answers (@conveyor/service's serviceAdminRoutes): its
 * inbox rows of the messages and the outbox rows that sent them or answer them. Read from another
 * process, so the journey checks it against this schema before it trusts it.
 */
export const MessageRecords = Type.Object({
  service: Type.String(),
  inbox: Type.Array(
    Type.Object({ consumer: Type.String(), messageId: Type.String(), processedAt: Timestamp }),
  ),
  outbox: Type.Array(
    Type.Object({
      messageId: Type.String(),
      topic: Type.String(),
      key: Type.String(),
      type: Type.String(),
      causationId: Nullable(Type.String()),
      traceId: Nullable(Type.String()),
      createdAt: Timestamp,
      publishedAt: Nullable(Timestamp),
    }),
  ),
});
export type MessageRecordsView = Static<typeof MessageRecords>;

const JourneyMessage = Type.Object({
  messageId: Type.String(),
  /** A reply answers a command; an event is something else a participant wrote as a command's effect. */
  kind: Type.Union([
    Type.Literal('command'),
    Type.Literal('compensation'),
    Type.Literal('reply'),
    Type.Literal('event'),
  ]),
  step: Nullable(Type.String()),
  /** The message type and topic, from the outbox row that sent it; null once the rows are pruned. */
  type: Nullable(Type.String()),
  topic: Nullable(Type.String()),
  /** The service whose outbox sent it. */
  sentBy: Nullable(Type.String()),
  causationId: Nullable(Type.String()),
  traceId: Nullable(Type.String()),
  /** One per send (a resent command has several): written to the outbox, published by the relay. */
  sends: Type.Array(Type.Object({ createdAt: Timestamp, publishedAt: Nullable(Timestamp) })),
  /** Consumers that applied it (their inbox rows). */
  received: Type.Array(
    Type.Object({ service: Type.String(), consumer: Type.String(), processedAt: Timestamp }),
  ),
});
export type JourneyMessageView = Static<typeof JourneyMessage>;

const JourneySource = Type.Object({
  /** The service name, or the peer's URL when it did not answer. */
  source: Type.String(),
  ok: Type.Boolean(),
  error: Nullable(Type.String()),
});
export type JourneySourceView = Static<typeof JourneySource>;

export const SagaJourney = Type.Object({
  saga: SagaDetail,
  /** The saga's commands, compensations, their replies and the events they caused, in the order first written. */
  messages: Type.Array(JourneyMessage),
  /** Who was asked; a participant that is down is listed with its error and its rows are missing. */
  sources: Type.Array(JourneySource),
});
export type SagaJourneyView = Static<typeof SagaJourney>;
