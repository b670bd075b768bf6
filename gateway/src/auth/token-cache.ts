import type { TokenCheck, TokenVerifier } from '@conveyor/http';

export interface TokenCacheOptions {
  /** Milliseconds since the epoch, as the verifier's clock. */
  now: () => number;
  /** Tokens remembered; the least recently used goes first. @default 10_000 */
  maxEntries?: number;
}

interface Accepted {
  check: TokenCheck;
  /** The token's `exp` in ms: past it, the token is verified again (and refused as expired). */
  expiresAtMs: number;
}

/**
 * Remembers the tokens the verifier accepted until they expire, so a caller's every request does
 * not cost a signature check (fast-jwt's HMAC and claim checks were the gateway's largest own CPU
 * cost after the sockets). Only accepted tokens are kept, keyed by the whole header: a refused one
 * is checked every time, and a token stays acceptable exactly as long as the verifier said.
 */
export function cachedTokenVerifier(verify: TokenVerifier, options: TokenCacheOptions): TokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const accepted = new Map<string, Accepted>();
  return (authorization) => {
    if (authorization === undefined) return verify(authorization);
    const hit = accepted.get(authorization);
    if (hit && hit.expiresAtMs > options.now()) {
      // Re-inserted: Map order is the recency order the eviction below relies on.
      accepted.delete(authorization);
      accepted.set(authorization, hit);
      return hit.check;
    }
    accepted.delete(authorization);
    const check = verify(authorization);
    const expiresAtMs = check.ok ? expiryOf(authorization) : undefined;
    if (expiresAtMs === undefined) return check;
    accepted.set(authorization, { check, expiresAtMs });
    if (accepted.size > maxEntries) {
      const oldest = accepted.keys().next();
      if (!oldest.done) accepted.delete(oldest.value);
    }
    return check;
  };
}

/** `exp` of a token the verifier accepted (so well-formed, with a numeric `exp`), in ms. */
function expiryOf(authorization: string): number | undefined {
  const payload = authorization.trim().split(' ').at(-1)?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null || !('exp' in claims)) return undefined;
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
