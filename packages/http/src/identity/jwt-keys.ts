import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { errorMessage } from '@conveyor/events';

/** The algorithms the gateway accepts: one is configured, tokens signed otherwise are refused. */
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/**
 * The documented development secret: `npm start` and `npm run token` work with it out of the box.
 * Refused when NODE_ENV=production.
 */
export const DEVELOPMENT_JWT_SECRET = 'conveyor-development-secret-do-not-use-in-production';

/** HS256 keys shorter than the hash (RFC 7518 §3.2) are refused. */
export const MIN_SECRET_LENGTH = 32;

/** What the gateway verifies tokens with. */
export type JwtVerificationKey =
  | { algorithm: 'HS256'; secret: string }
  | { algorithm: 'RS256' | 'ES256'; publicKey: string };

/** What `npm run token` signs tokens with. */
export type JwtSigningKey =
  | { algorithm: 'HS256'; secret: string }
  | { algorithm: 'RS256' | 'ES256'; privateKey: string };

/**
 * Why a PEM key does not fit the algorithm, or undefined when it does. RS256 needs an RSA key,
 * ES256 an EC key on P-256 (what `openssl ecparam -name prime256v1` makes).
 */
export function keyMismatch(pem: string, algorithm: 'RS256' | 'ES256', kind: 'public' | 'private') {
  let key: KeyObject;
  try {
    key = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
  } catch (error) {
    return `not a PEM ${kind} key (${errorMessage(error)})`;
  }
  if (algorithm === 'RS256' && key.asymmetricKeyType !== 'rsa')
    return `an RSA key is needed for RS256, this is ${key.asymmetricKeyType}`;
  if (algorithm === 'ES256') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1')
      return `an EC P-256 key is needed for ES256, this is ${key.asymmetricKeyType}${curve ? ` ${curve}` : ''}`;
  }
  return undefined;
}
