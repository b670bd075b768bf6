import { createHmac, sign } from 'node:crypto';
import type { JwtSigningKey } from './jwt-keys.ts';

export interface TokenClaims {
  /** The user id (`sub`). */
  sub: string;
  roles: readonly string[];
  /** `iss`, when the verifiers are configured with JWT_ISSUER. */
  issuer?: string;
  /** `aud`, when the verifiers are configured with JWT_AUDIENCE. */
  audience?: string;
}

export interface TokenTiming {
  /** Milliseconds since the epoch; `iat`, and the start of the lifetime. */
  issuedAt: number;
  ttlSeconds: number;
}

/**
 * A compact JWS (RFC 7515) with `sub`, `roles`, `iat` and `exp`, for development and tests. Signed
 * with node:crypto while verifiers use fast-jwt, so every token minted here is also a check that
 * the two agree.
 */
export function signToken(key: JwtSigningKey, claims: TokenClaims, timing: TokenTiming): string {
  const iat = Math.floor(timing.issuedAt / 1000);
  const header = { alg: key.algorithm, typ: 'JWT' };
  const payload = {
    sub: claims.sub,
    roles: [...claims.roles],
    ...(claims.issuer === undefined ? {} : { iss: claims.issuer }),
    ...(claims.audience === undefined ? {} : { aud: claims.audience }),
    iat,
    exp: iat + timing.ttlSeconds,
  };
  const input = `${base64url(header)}.${base64url(payload)}`;
  const signature =
    key.algorithm === 'HS256'
      ? createHmac('sha256', key.secret).update(input).digest()
      : sign('sha256', Buffer.from(input), {
          key: key.privateKey,
          // JWS wants ECDSA signatures as r || s, not DER (RFC 7518 §3.4).
          ...(key.algorithm === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
        });
  return `${input}.${signature.toString('base64url')}`;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
