import { errorCatalogue } from '@conveyor/events';

/**
 * The catalogue of @conveyor/http errors: stable codes and the HTTP status each answers with.
 * Recognise them by code (isConveyorError(error, code)), not by instanceof.
 */
export const HttpErrorCodes = {
  /** No bearer token, or one that is malformed, badly signed, expired or too long-lived. */
  CONVEYOR_UNAUTHORIZED: 401,
  /** A valid token without the role the route needs. */
  CONVEYOR_FORBIDDEN: 403,
  /** A bad or missing environment variable (the process refuses to start). */
  CONVEYOR_INVALID_ENVIRONMENT: 500,
} as const;

export type HttpErrorCode = keyof typeof HttpErrorCodes;

const httpError = errorCatalogue(HttpErrorCodes);

/** A bad or missing environment variable, named in the message. */
export const invalidEnvironment = (name: string, expected: string, got: string | undefined) =>
  httpError(
    'CONVEYOR_INVALID_ENVIRONMENT',
    got === undefined ? `${name} is required (${expected})` : `${name} must be ${expected}; got "${got}"`,
    { variable: name },
  );

export const unauthorized = (reason: string, description: string) =>
  httpError('CONVEYOR_UNAUTHORIZED', `unauthorized: ${description}`, { reason });

export const forbidden = (role: string) =>
  httpError('CONVEYOR_FORBIDDEN', `forbidden: this route needs the role "${role}"`, { requiredRole: role });
