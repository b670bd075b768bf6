import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type GatewayError, type UnauthorizedReason, unauthorized } from '../errors.ts';
import type { JwtVerificationKey } from './keys.ts';

/** The caller, as the verified token says. */
export interface Identity {
  /** The token's `sub`; sent upstream as x-user-id. */
  userId: string;
  /** The token's `roles`; sent upstream as x-user-roles (comma-separated). */
  roles: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when a valid bearer token came with the request; null when anonymous. */
    identity: Identity | null;
    /** Why the bearer token that came was refused; null when none came or it was valid. */
    authFailure: GatewayError | null;
  }
}

// Both end up in headers: printable ASCII only, and no comma inside a role (the list separator).
const USER_ID = /^[\x21-\x7e]{1,256}$/;
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
const BEARER = /^Bearer +([A-Za-z0-9_~+/.=-]+)$/i;

const FAILURES: Record<string, [UnauthorizedReason, string]> = {
  FAST_JWT_MALFORMED: ['malformed-token', 'the token is malformed'],
  FAST_JWT_INVALID_TYPE: ['malformed-token', 'the token is malformed'],
  FAST_JWT_INVALID_PAYLOAD: ['malformed-token', 'the token payload is not a JSON object'],
  FAST_JWT_INVALID_SIGNATURE: ['invalid-signature', 'the token signature is invalid'],
  FAST_JWT_INVALID_KEY: ['invalid-signature', 'the token signature is invalid'],
  FAST_JWT_INVALID_ALGORITHM: [
    'unsupported-algorithm',
    'the token is signed with an algorithm not accepted here',
  ],
  FAST_JWT_MISSING_SIGNATURE: ['unsigned-token', 'the token is not signed'],
  FAST_JWT_EXPIRED: ['expired', 'the token has expired'],
  FAST_JWT_INACTIVE: ['not-yet-valid', 'the token is not valid yet'],
  FAST_JWT_MISSING_REQUIRED_CLAIM: ['invalid-claims', 'the token lacks a required claim (sub, exp)'],
  FAST_JWT_INVALID_CLAIM_TYPE: ['invalid-claims', 'a token claim has the wrong type'],
  FAST_JWT_INVALID_CLAIM_VALUE: ['invalid-claims', 'a token claim has an invalid value'],
};

/**
 * Registers @fastify/jwt with the one configured algorithm (a token signed with any other is
 * refused, including `none`), requiring `sub` and `exp`.
 */
export async function registerJwtAuth(app: FastifyInstance, key: JwtVerificationKey): Promise<void> {
  await app.register(fastifyJwt, {
    secret: key.algorithm === 'HS256' ? key.secret : { public: key.publicKey },
    verify: { algorithms: [key.algorithm], requiredClaims: ['sub', 'exp'] },
  });
  app.decorateRequest('identity', null);
  app.decorateRequest('authFailure', null);
}

/**
 * onRequest: verifies the bearer token when there is one and records the identity, or why the
 * token was refused. It never refuses by itself: the route's guard does (after the rate limit,
 * which counts per user when the token is valid and per IP otherwise).
 */
export async function authenticate(request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return;
  const match = BEARER.exec(header.trim());
  if (!match) {
    request.authFailure = unauthorized(
      'malformed-header',
      'the Authorization header must be "Bearer <token>"',
    );
    return;
  }
  let payload: unknown;
  try {
    // The synchronous verifier throws fast-jwt's own errors, whose codes say exactly what failed.
    payload = request.server.jwt.verify(match[1] as string);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const [reason, description] = FAILURES[typeof code === 'string' ? code : ''] ?? [
      'invalid-token',
      'the token is invalid',
    ];
    request.authFailure = unauthorized(reason, description);
    return;
  }
  const identity = identityOf(payload);
  if (identity === undefined)
    request.authFailure = unauthorized(
      'invalid-claims',
      'sub must be printable ASCII and roles a list of role names',
    );
  else request.identity = identity;
}

/** The identity in verified claims, or undefined when `sub` or `roles` is unusable. */
export function identityOf(payload: unknown): Identity | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { sub, roles } = payload as { sub?: unknown; roles?: unknown };
  if (typeof sub !== 'string' || !USER_ID.test(sub)) return undefined;
  if (roles === undefined) return { userId: sub, roles: [] };
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && ROLE.test(r))) return undefined;
  return { userId: sub, roles: [...new Set(roles as string[])] };
}
