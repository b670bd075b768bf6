/**
 * The error catalogue of @conveyor/telemetry, code → HTTP status, in the shape of the other
 * packages' catalogues (code and statusCode), so that `isConveyorError` recognises them too.
 */
export const TelemetryErrorCodes = {
  /** CONVEYOR_TRACING or ZIPKIN_URL holds a value that is not one. */
  CONVEYOR_INVALID_ENVIRONMENT: 500,
} as const;

export type TelemetryErrorCode = keyof typeof TelemetryErrorCodes;

export class TelemetryError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
    /** The environment variable at fault. */
    readonly variable: string,
  ) {
    super(message);
    this.name = 'TelemetryError';
    this.statusCode = TelemetryErrorCodes[code];
  }
}

export function invalidTelemetryEnvironment(variable: string, expected: string): TelemetryError {
  return new TelemetryError('CONVEYOR_INVALID_ENVIRONMENT', `${variable}: ${expected}`, variable);
}

/** By code, not by class: a monorepo can load two copies of this package. */
export function isTelemetryError(error: unknown): error is TelemetryError {
  return error instanceof Error && Reflect.get(error, 'code') === 'CONVEYOR_INVALID_ENVIRONMENT';
}
