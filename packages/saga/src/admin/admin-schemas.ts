import { type Static, type TSchema, Type } from 'typebox';
import { SAGA_STATUSES } from '../saga-state.ts';

/** Bounds of the list filters, shared by the HTTP schema and listSagas' own checks. */
export const SAGA_LIST_LIMITS = {
  /** @default page size */
  defaultLimit: 50,
  maxLimit: 200,
  /** 100 years: beyond it `now - age` stops being a date Postgres accepts. */
  maxAgeMs: 100 * 365 * 24 * 3_600_000,
} as const;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });
const ageMs = (description: string) =>
  Type.Integer({ minimum: 0, maximum: SAGA_LIST_LIMITS.maxAgeMs, description });

export const SagaIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'The saga id' }) },
  { additionalProperties: false },
);

export const SagaListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(SAGA_STATUSES)),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    correlationId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Only the sagas of this correlation id' }),
    ),
    ref: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "Only sagas whose start data holds this value at its top level (an order's id)",
      }),
    ),
    minAgeMs: Type.Optional(ageMs('Only sagas created at least this long ago')),
    maxAgeMs: Type.Optional(ageMs('Only sagas created at most this long ago')),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: SAGA_LIST_LIMITS.maxLimit,
        description: 'Page size, 50 if absent',
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]+$',
        maxLength: 200,
        description: 'nextCursor of the previous page',
      }),
    ),
  },
  // A misspelt filter (`?staus=failed`) would otherwise list every saga.
  { additionalProperties: false },
);
export type SagaListFilter = Static<typeof SagaListQuery>;

/** An absent body arrives as null (Fastify), so null means "no reason given". */
export const AbortBody = Nullable(
  Type.Object(
    { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
    { additionalProperties: false },
  ),
);

/** An absent body is a retry without force. */
export const RetryBody = Nullable(
  Type.Object(
    {
      force: Type.Optional(
        Type.Boolean({
          description:
            "Send a compensation again although it has had all its attempts (a failed saga's); a command step needs none",
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

/** Sagas by status, every status present (0 when none). */
export const SagaCounts = Type.Object(
  Object.fromEntries(SAGA_STATUSES.map((status) => [status, Type.Integer({ minimum: 0 })])),
);

export const SagaSummary = Type.Object({
  id: Type.String(),
  type: Type.String(),
  status: Type.Enum(SAGA_STATUSES),
  /** Name of the step being run or compensated (the last step once the saga has ended). */
  currentStep: Nullable(Type.String()),
  correlationId: Type.String(),
  failureReason: Nullable(Type.String()),
});
export type SagaSummaryView = Static<typeof SagaSummary>;

export const SagaListItem = Type.Object({
  ...SagaSummary.properties,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  ageMs: Type.Integer(),
});
export type SagaListItemView = Static<typeof SagaListItem>;

export const SagaPage = Type.Object({
  items: Type.Array(SagaListItem),
  /** null on the last page. */
  nextCursor: Nullable(Type.String()),
});
export type SagaPageView = Static<typeof SagaPage>;

/** A step; while it waits for a reply, its sends, the last and next send and its deadline tell how long. */
const StepView = Type.Object({
  name: Type.String(),
  status: Type.String(),
  commandId: Nullable(Type.String()),
  /** Sends of the command, resends included. */
  attempts: Type.Integer(),
  compensationCommandId: Nullable(Type.String()),
  compensationAttempts: Type.Integer(),
  startedAt: Nullable(Timestamp),
  /** The last send of the command, or of the compensation while compensating. */
  lastSentAt: Nullable(Timestamp),
  /** When what the step awaits is sent again; null when it awaits nothing. */
  nextSendAt: Nullable(Timestamp),
  /** When the command's deadline passes and the step is compensated. */
  deadline: Nullable(Timestamp),
  error: Nullable(Type.String()),
});

const TimelineEntry = Type.Object({
  seq: Type.Integer(),
  at: Timestamp,
  step: Nullable(Type.String()),
  action: Type.String(),
  status: Type.String(),
  commandId: Nullable(Type.String()),
  payload: Type.Unknown(),
  error: Nullable(Type.String()),
});
export type TimelineEntryView = Static<typeof TimelineEntry>;

export const SagaDetail = Type.Object({
  ...SagaListItem.properties,
  currentStepIndex: Type.Integer(),
  data: Type.Unknown(),
  steps: Type.Array(StepView),
  /** When the sweeper next acts: the awaited step's next send or its deadline; null when nothing is awaited. */
  nextAttemptAt: Nullable(Timestamp),
  version: Type.Integer(),
  /** The version of the saga's definition it started on and finishes on. */
  definitionVersion: Type.Integer(),
  /** The saga log in order. */
  timeline: Type.Array(TimelineEntry),
});
export type SagaDetailView = Static<typeof SagaDetail>;
