import { createVerifier } from 'fast-jwt';
import type { JwtSettings } from './jwt-settings.ts';

/** The caller, as a verified token says. */
export interface Identity {
  /** The token's `sub`. */
  userId: string;
  /** The token's `roles`. */
  roles: readonly string[];
}

/** Why a bearer token was refused; also in the 401 problem's `details.reason`. */
export type TokenFailureReason =
  | 'missing-token'
  | 'malformed-header'
  | 'malformed-token'
  | 'invalid-signature'
  | 'unsupported-algorithm'
  | 'unsigned-token'
  | 'expired'
  | 'not-yet-valid'
  | 'lifetime-too-long'
  | 'invalid-claims'
  | 'invalid-token';

export type TokenCheck =
  | { ok: true; identity: Identity }
  | { ok: false; reason: TokenFailureReason; description: string };

/** Verifies the value of an Authorization header (or its absence). */
export type TokenVerifier = (authorization: string | undefined) => TokenCheck;

// Identities travel into logs, database columns and URLs: printable ASCII only, roles without commas.
const USER_ID = /^[\x21-\x7e]{1,256}$/;
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
const BEARER = /^Bearer +([A-Za-z0-9_~+/.=-]+)$/i;

/** A refusal's reason and the description a caller reads. */
type Failure = readonly [TokenFailureReason, string];
const MALFORMED: Failure = ['malformed-token', 'the token is malformed'];
const BAD_SIGNATURE: Failure = ['invalid-signature', 'the token signature is invalid'];

/** fast-jwt's error codes, by what they tell the caller. */
const FAILURES: Record<string, Failure> = {
  FAST_JWT_MALFORMED: MALFORMED,
  FAST_JWT_INVALID_TYPE: MALFORMED,
  FAST_JWT_INVALID_PAYLOAD: ['malformed-token', 'the token payload is not a JSON object'],
  FAST_JWT_INVALID_SIGNATURE: BAD_SIGNATURE,
  FAST_JWT_INVALID_KEY: BAD_SIGNATURE,
  FAST_JWT_INVALID_ALGORITHM: [
    'unsupported-algorithm',
    'the token is signed with an algorithm not accepted here',
  ],
  FAST_JWT_MISSING_SIGNATURE: ['unsigned-token', 'the token is not signed'],
  FAST_JWT_EXPIRED: ['expired', 'the token has expired'],
  FAST_JWT_INACTIVE: ['not-yet-valid', 'the token is not valid yet'],
  FAST_JWT_MISSING_REQUIRED_CLAIM: [
    'invalid-claims',
    'the token lacks a required claim (sub, exp, or iss/aud)',
  ],
  FAST_JWT_INVALID_CLAIM_TYPE: ['invalid-claims', 'a token claim has the wrong type'],
  FAST_JWT_INVALID_CLAIM_VALUE: ['invalid-claims', 'a token claim has an invalid value (iss or aud?)'],
};

/**
 * One verifier for the gateway and every service: the one configured algorithm (a token signed
 * with any other, `none` included, is refused), `sub` and `exp` required, `iss`/`aud` when
 * configured, and no lifetime above the maximum, so a leaked token cannot live forever.
 */
export function createTokenVerifier(settings: JwtSettings, now: () => number = Date.now): TokenVerifier {
  const { key } = settings;
  const requiredClaims = ['sub', 'exp'];
  if (settings.issuer !== undefined) requiredClaims.push('iss');
  if (settings.audience !== undefined) requiredClaims.push('aud');
  const verify = createVerifier({
    key: key.algorithm === 'HS256' ? key.secret : key.publicKey,
    algorithms: [key.algorithm],
    requiredClaims,
    ...(settings.issuer === undefined ? {} : { allowedIss: settings.issuer }),
    ...(settings.audience === undefined ? {} : { allowedAud: settings.audience }),
  });
  return (authorization) => {
    if (authorization === undefined || authorization === '')
      return { ok: false, reason: 'missing-token', description: 'this route needs a bearer token' };
    const match = BEARER.exec(authorization.trim());
    if (!match?.[1])
      return {
        ok: false,
        reason: 'malformed-header',
        description: 'the Authorization header must be "Bearer <token>"',
      };
    let payload: unknown;
    try {
      payload = verify(match[1]);
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
      const [reason, description] = FAILURES[code] ?? ['invalid-token', 'the token is invalid'];
      return { ok: false, reason, description };
    }
    return checkClaims(payload, settings.maxLifetimeSeconds, Math.floor(now() / 1000));
  };
}

function checkClaims(payload: unknown, maxLifetimeSeconds: number, nowSeconds: number): TokenCheck {
  if (typeof payload !== 'object' || payload === null)
    return { ok: false, reason: 'malformed-token', description: 'the token payload is not a JSON object' };
  const claims: Record<string, unknown> = { ...payload };
  const { sub, roles, exp, iat } = claims;
  if (typeof exp !== 'number')
    return { ok: false, reason: 'invalid-claims', description: 'exp must be a number' };
  const start = typeof iat === 'number' ? iat : nowSeconds;
  if (exp - start > maxLifetimeSeconds)
    return {
      ok: false,
      reason: 'lifetime-too-long',
      description: `the token lives longer than the accepted ${maxLifetimeSeconds} s`,
    };
  if (typeof sub !== 'string' || !USER_ID.test(sub))
    return { ok: false, reason: 'invalid-claims', description: 'sub must be 1 to 256 printable characters' };
  if (roles === undefined) return { ok: true, identity: { userId: sub, roles: [] } };
  if (!Array.isArray(roles))
    return { ok: false, reason: 'invalid-claims', description: 'roles must be a list' };
  const names: string[] = [];
  for (const role of roles) {
    if (typeof role !== 'string' || !ROLE.test(role))
      return { ok: false, reason: 'invalid-claims', description: 'roles must be a list of role names' };
    if (!names.includes(role)) names.push(role);
  }
  return { ok: true, identity: { userId: sub, roles: names } };
}
