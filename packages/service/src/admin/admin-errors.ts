import { ConveyorError } from '@conveyor/events';

/** Errors of a service's admin API (code → HTTP status); each names the field it is about. */
export const ServiceAdminErrorCodes = {
  SERVICE_UNKNOWN_PROJECTION: 404,
  SERVICE_UNKNOWN_DEAD_LETTER_TOPIC: 404,
} as const;

export const unknownProjection = (name: string, known: readonly string[]) =>
  new ConveyorError(
    'SERVICE_UNKNOWN_PROJECTION',
    404,
    `no projection "${name}" here; this service has ${known.length ? known.join(', ') : 'none'}`,
    { field: 'name' },
  );

export const unknownDeadLetterTopic = (topic: string) =>
  new ConveyorError(
    'SERVICE_UNKNOWN_DEAD_LETTER_TOPIC',
    404,
    `${topic} is not a dead-letter topic of this service's topics`,
    { field: 'topic' },
  );
