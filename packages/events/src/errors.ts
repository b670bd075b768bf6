import { propertyOf } from './internal/guards.ts';

/**
 * The catalogue of @conveyor/events errors: a stable code and the HTTP status a service answers
 * with. Recognise them by `code` (see isConveyorError), not by instanceof alone: a monorepo can
 * load two copies of this package.
 */
export const EventsErrorCodes = {
  CONVEYOR_CONCURRENCY_CONFLICT: 409,
  CONVEYOR_UNKNOWN_MESSAGE_TYPE: 400,
  CONVEYOR_INVALID_PAYLOAD: 400,
  CONVEYOR_SCHEMA_INCOMPATIBLE: 409,
  CONVEYOR_SCHEMA_REGISTRATION_FAILED: 502,
  CONVEYOR_INVALID_SCHEMA_FILE: 500,
  CONVEYOR_DECODE_FAILED: 422,
  CONVEYOR_REGISTRY_UNAVAILABLE: 503,
  CONVEYOR_INVALID_OPTIONS: 500,
  CONVEYOR_HANDLER_FAILED: 500,
  CONVEYOR_TOPIC_NOT_FOUND: 404,
  CONVEYOR_DEAD_LETTER_SCAN_TIMEOUT: 504,
  CONVEYOR_DEAD_LETTER_NOT_FOUND: 404,
  CONVEYOR_INVALID_ARGUMENT: 400,
} as const;

export type EventsErrorCode = keyof typeof EventsErrorCodes;

/** Base of every typed error in Conveyor packages: a stable code and an HTTP status. */
export class ConveyorError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, statusCode: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConveyorError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }
}

/** The message of anything thrown: an Error's own, anything else as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isConveyorError(error: unknown, code?: string): error is ConveyorError {
  const actual = propertyOf(error, 'code');
  if (typeof actual !== 'string' || typeof propertyOf(error, 'statusCode') !== 'number') return false;
  return code === undefined || actual === code;
}

/**
 * The constructor of a package's or a service's typed errors: a catalogue maps each code to its
 * HTTP status, so an error is made from its code alone and cannot answer with another status.
 */
export function errorCatalogue<Code extends string>(
  codes: Readonly<Record<Code, number>>,
): (code: Code, message: string, details?: Record<string, unknown>) => ConveyorError {
  return (code, message, details = {}) => new ConveyorError(code, codes[code], message, details);
}

const eventsError = errorCatalogue(EventsErrorCodes);

/** The stream moved on since the caller read it: reload and decide again. */
export class ConcurrencyError extends ConveyorError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      'CONVEYOR_CONCURRENCY_CONFLICT',
      409,
      `stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`,
      { streamId, expectedVersion, actualVersion },
    );
    this.name = 'ConcurrencyError';
  }
}

export const unknownMessageType = (type: string, known: string[]) =>
  eventsError(
    'CONVEYOR_UNKNOWN_MESSAGE_TYPE',
    `unknown message type "${type}" (known: ${known.join(', ')})`,
    {
      type,
    },
  );

export const invalidPayload = (type: string, problems: string[]) =>
  eventsError(
    'CONVEYOR_INVALID_PAYLOAD',
    `payload of ${type} does not match its schema: ${problems.join('; ')}`,
    {
      type,
      problems,
    },
  );

export const schemaIncompatible = (subject: string, reason: string) =>
  eventsError('CONVEYOR_SCHEMA_INCOMPATIBLE', `schema for subject "${subject}" is incompatible: ${reason}`, {
    subject,
  });

export const schemaRegistrationFailed = (subject: string, reason: string) =>
  eventsError('CONVEYOR_SCHEMA_REGISTRATION_FAILED', `could not register subject "${subject}": ${reason}`, {
    subject,
  });

export const invalidSchemaFile = (file: string, reason: string) =>
  eventsError('CONVEYOR_INVALID_SCHEMA_FILE', `${file}: ${reason}`, { file });

export const decodeFailed = (topic: string, reason: string) =>
  eventsError('CONVEYOR_DECODE_FAILED', `could not decode a message from ${topic}: ${reason}`, { topic });

/** A programming error in options passed to a Conveyor component; names the option. */
export const invalidOptions = (component: string, problem: string) =>
  eventsError('CONVEYOR_INVALID_OPTIONS', `invalid ${component} options: ${problem}`, { component });

/** Recorded as the dead letter's error code when a handler's error carries no code of its own. */
export const HANDLER_FAILED_CODE: EventsErrorCode = 'CONVEYOR_HANDLER_FAILED';

export const topicNotFound = (topic: string) =>
  eventsError('CONVEYOR_TOPIC_NOT_FOUND', `topic "${topic}" does not exist`, { topic });

export const deadLetterScanTimeout = (topic: string, timeoutMs: number, pending: number[], groupId: string) =>
  eventsError(
    'CONVEYOR_DEAD_LETTER_SCAN_TIMEOUT',
    `reading ${topic} did not reach the end offsets seen at start within ${timeoutMs} ms ` +
      `(partitions ${pending.join(', ')} pending); is another client of group "${groupId}" running?`,
    { topic, timeoutMs, pending, groupId },
  );

export const deadLetterReadTimeout = (topic: string, partition: number, offset: string, timeoutMs: number) =>
  eventsError(
    'CONVEYOR_DEAD_LETTER_SCAN_TIMEOUT',
    `reading ${topic} partition ${partition} did not reach offset ${offset} within ${timeoutMs} ms`,
    { topic, timeoutMs, pending: [partition] },
  );

/** No message at that position of the dead-letter topic: never written, or deleted by retention. */
export const deadLetterNotFound = (topic: string, partition: number, offset: string) =>
  eventsError(
    'CONVEYOR_DEAD_LETTER_NOT_FOUND',
    `${topic} holds no dead letter at partition ${partition}, offset ${offset}`,
    { topic, partition, offset },
  );

/** Bad command-line input; the message names the flag or command. */
export const invalidArgument = (message: string) => eventsError('CONVEYOR_INVALID_ARGUMENT', message, {});

export const registryUnavailable = (reason: string) =>
  eventsError('CONVEYOR_REGISTRY_UNAVAILABLE', `the schema registry did not answer: ${reason}`, {});
