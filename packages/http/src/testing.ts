import { DEVELOPMENT_JWT_SECRET } from './identity/jwt-keys.ts';
import { DEFAULT_MAX_LIFETIME_SECONDS, type JwtSettings } from './identity/jwt-settings.ts';
import { signToken } from './identity/token-signer.ts';
import { createTokenVerifier, type TokenVerifier } from './identity/token-verifier.ts';

/** The development settings every local process uses when JWT_SECRET is unset. */
export const DEVELOPMENT_JWT_SETTINGS: JwtSettings = {
  key: { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET },
  maxLifetimeSeconds: DEFAULT_MAX_LIFETIME_SECONDS,
};

/** A verifier with the development settings, for buildApp in tests. */
export const developmentVerifier = (): TokenVerifier => createTokenVerifier(DEVELOPMENT_JWT_SETTINGS);

/** `{ authorization: 'Bearer …' }` for a caller, signed with the development secret, valid 1 h. */
export function bearer(sub: string, roles: readonly string[] = ['user']): { authorization: string } {
  const token = signToken(
    { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET },
    { sub, roles },
    { issuedAt: Date.now(), ttlSeconds: 3600 },
  );
  return { authorization: `Bearer ${token}` };
}
