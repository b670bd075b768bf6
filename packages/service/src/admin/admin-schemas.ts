import { Type } from 'typebox';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const MessageIdsQuery = Type.Object(
  {
    ids: Type.String({
      // Comma-separated uuids; at most 200 (a saga's commands, replies and resends).
      pattern: `^${UUID}(,${UUID}){0,199}$`,
      description: 'Comma-separated message ids (uuids), at most 200',
    }),
  },
  { additionalProperties: false },
);

export const ProjectionParams = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$' }) },
  { additionalProperties: false },
);

/** An absent body rebuilds from the earliest offsets. */
export const RebuildBody = Type.Union([
  Type.Null(),
  Type.Object(
    {
      from: Type.Optional(
        Type.Union([Type.Literal('earliest'), Type.String({ format: 'date-time' })], {
          description: '"earliest" or an ISO time: the first offsets at or after it',
        }),
      ),
    },
    { additionalProperties: false },
  ),
]);

export const DeadLetterTopicParams = Type.Object(
  { topic: Type.String({ minLength: 5, maxLength: 249, pattern: '^[A-Za-z0-9._-]+\\.dlq$' }) },
  { additionalProperties: false },
);

/** One dead letter: its position in the topic, as the list shows it. */
export const DeadLetterParams = Type.Object(
  {
    topic: DeadLetterTopicParams.properties.topic,
    partition: Type.Integer({
      minimum: 0,
      maximum: 2_147_483_647,
      description: 'A partition (Kafka: int32)',
    }),
    offset: Type.String({ pattern: '^\\d{1,19}$', description: 'A decimal offset' }),
  },
  { additionalProperties: false },
);

export const DeadLetterQuery = Type.Object(
  { messageIds: Type.Optional(MessageIdsQuery.properties.ids) },
  { additionalProperties: false },
);
