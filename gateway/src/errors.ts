import type { TokenFailureReason } from '@conveyor/http';

/**
 * The gateway's error catalogue: stable codes and their HTTP statuses. The errors have the shape
 * of ConveyorError (`code`, `statusCode`, `details`), so `toProblem` from @conveyor/http
 * recognises them by code like any other typed error.
 */
export const GatewayErrorCodes = {
  /** A request the gateway cannot forward as it came (a header the upstream client refuses to send). */
  GATEWAY_BAD_REQUEST: 400,
  /**
   * No token, or one that is malformed, badly signed, expired, not yet valid or too long-lived, or
   * (on the admin routes) a valid token without the route's role.
   */
  GATEWAY_UNAUTHORIZED: 401,
  GATEWAY_ROUTE_NOT_FOUND: 404,
  GATEWAY_RATE_LIMITED: 429,
  /** The upstream connection broke after the request was sent: its outcome is unknown. */
  GATEWAY_BAD_GATEWAY: 502,
  /** No instance of the service could take the request (all down, ejected, or circuit open). */
  GATEWAY_UPSTREAM_UNAVAILABLE: 503,
  /** The service's bulkhead is full: as many requests are in flight to it as the gateway allows. */
  GATEWAY_UPSTREAM_BUSY: 503,
  /** The upstream did not answer within the request timeout. */
  GATEWAY_UPSTREAM_TIMEOUT: 504,
} as const;

export type GatewayErrorCode = keyof typeof GatewayErrorCodes;

/**
 * Why a request was refused with 401 (the shared verifier's reason, or `role-missing`); also in
 * `details.reason`.
 */
export type UnauthorizedReason = TokenFailureReason | 'role-missing';

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly statusCode: number;
  readonly details: Record<string, unknown>;
  /** Response headers that belong to the error (WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    code: GatewayErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.statusCode = GatewayErrorCodes[code];
    this.details = details;
    this.headers = headers;
  }
}

/** By code, not instanceof: tests and tools may load a second copy of this module. */
export function isGatewayError(error: unknown): error is GatewayError {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && error.code in GatewayErrorCodes;
}

const REALM = 'Bearer realm="conveyor"';

export const unauthorized = (reason: UnauthorizedReason, description: string) =>
  new GatewayError(
    'GATEWAY_UNAUTHORIZED',
    `unauthorized: ${description}`,
    { reason },
    {
      'www-authenticate':
        reason === 'missing-token'
          ? REALM
          : `${REALM}, error="invalid_token", error_description="${description.replaceAll('"', "'")}"`,
    },
  );

/**
 * A valid token without the route's role, on the gateway's role routes (the admin API and page):
 * 401, not 403. Only a token with the role is a credential for them, and a 401 is what tells the
 * caller to sign in with another (the saga inspector then shows its sign-in); the services behind
 * keep the 403 of the shared identity plugin for a caller they know but do not let in.
 */
export const roleMissing = (role: string) =>
  new GatewayError(
    'GATEWAY_UNAUTHORIZED',
    `unauthorized: this route needs a token with the role "${role}"`,
    { reason: 'role-missing', requiredRole: role },
    { 'www-authenticate': `${REALM}, error="insufficient_scope", scope="${role}"` },
  );

export const routeNotFound = (method: string, url: string) =>
  new GatewayError('GATEWAY_ROUTE_NOT_FOUND', `no route ${method} ${url}`);

export const rateLimited = (limit: number, windowMs: number, retryAfterSeconds: number) =>
  new GatewayError(
    'GATEWAY_RATE_LIMITED',
    `rate limit of ${limit} requests per ${windowMs / 1000} s exceeded; retry in ${retryAfterSeconds} s`,
    { limit, windowMs, retryAfterSeconds },
  );

/** Why no instance took the request; in `details.reason` of the 503. */
export type UnavailableReason = 'no-healthy-instance' | 'connect-failed';

export const upstreamUnavailable = (service: string, reason: UnavailableReason, retryAfterMs?: number) =>
  new GatewayError(
    'GATEWAY_UPSTREAM_UNAVAILABLE',
    `service ${service} is unavailable (${reason.replaceAll('-', ' ')})`,
    { service, reason },
    retryAfterMs === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  );

/** Refused at once, before any instance is asked: come back in a second. */
export const upstreamBusy = (service: string, maxInFlight: number) =>
  new GatewayError(
    'GATEWAY_UPSTREAM_BUSY',
    `service ${service} has ${maxInFlight} requests in flight, as many as the gateway allows; retry in 1 s`,
    { service, maxInFlight },
    { 'retry-after': '1' },
  );

export const upstreamTimeout = (service: string, timeoutMs: number) =>
  new GatewayError('GATEWAY_UPSTREAM_TIMEOUT', `service ${service} did not answer within ${timeoutMs} ms`, {
    service,
    timeoutMs,
  });

export const badGateway = (service: string) =>
  new GatewayError('GATEWAY_BAD_GATEWAY', `the connection to service ${service} broke before it answered`, {
    service,
  });

/** The request itself could not be sent upstream; the caller is at fault, not the service. */
export const unforwardable = (service: string, problem: string) =>
  new GatewayError(
    'GATEWAY_BAD_REQUEST',
    `the request cannot be forwarded to service ${service}: ${problem}`,
    {
      service,
      problem,
    },
  );
