import { readFileSync } from 'node:fs';
import { errorMessage } from '@conveyor/events';
import { invalidEnvironment } from '../errors.ts';
import {
  DEVELOPMENT_JWT_SECRET,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type JwtSigningKey,
  type JwtVerificationKey,
  keyMismatch,
  MIN_SECRET_LENGTH,
} from './jwt-keys.ts';

type ReadFile = (path: string) => string;
const readText: ReadFile = (path) => readFileSync(path, 'utf8');

/** How every Conveyor process (gateway and services) checks bearer tokens. */
export interface JwtSettings {
  key: JwtVerificationKey;
  /** When set, a token's `iss` must equal it. */
  issuer?: string;
  /** When set, a token's `aud` must contain it. */
  audience?: string;
  /** The longest accepted lifetime (`exp` − `iat`, or `exp` − now without `iat`). @default 86400 */
  maxLifetimeSeconds: number;
}

export const DEFAULT_MAX_LIFETIME_SECONDS = 24 * 3600;

/** The hosts a process may bind while it trusts the documented development secret. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * JWT_ALGORITHM with JWT_SECRET (HS256) or JWT_PUBLIC_KEY_FILE (RS256, ES256), JWT_ISSUER,
 * JWT_AUDIENCE and JWT_MAX_LIFETIME (seconds). The development secret (what an unset JWT_SECRET
 * means) is only trusted by a process that binds loopback outside production: anyone can mint a
 * token with a published secret, so a reachable process using it would trust everybody.
 */
export function loadJwtSettings(
  env: NodeJS.ProcessEnv,
  bind: { host: string },
  readFile: ReadFile = readText,
): JwtSettings {
  const key = loadVerificationKey(env, readFile);
  if (usesDevelopmentSecret(key)) {
    if (env.NODE_ENV === 'production')
      throw invalidEnvironment('JWT_SECRET', 'a secret of your own when NODE_ENV=production', undefined);
    if (!LOOPBACK.has(bind.host))
      throw invalidEnvironment(
        'JWT_SECRET',
        `a secret of your own when binding ${bind.host} (the development secret is for loopback only)`,
        undefined,
      );
  }
  return { key, ...loadJwtClaimRules(env) };
}

/** What a token must say besides its signature, also what `npm run token` mints. */
export type JwtClaimRules = Omit<JwtSettings, 'key'>;

/** JWT_ISSUER, JWT_AUDIENCE and JWT_MAX_LIFETIME (seconds): shared by verifiers and the token CLI. */
export function loadJwtClaimRules(env: NodeJS.ProcessEnv): JwtClaimRules {
  return {
    maxLifetimeSeconds: positiveInteger(env, 'JWT_MAX_LIFETIME', DEFAULT_MAX_LIFETIME_SECONDS),
    ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
  };
}

/** JWT_ALGORITHM with JWT_SECRET (HS256) or JWT_PUBLIC_KEY_FILE (RS256, ES256). */
export function loadVerificationKey(
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = readText,
): JwtVerificationKey {
  const algorithm = jwtAlgorithm(env);
  if (algorithm === 'HS256') return { algorithm, secret: hmacSecret(env) };
  return { algorithm, publicKey: pemFile(env, 'JWT_PUBLIC_KEY_FILE', algorithm, 'public', readFile) };
}

/** What `npm run token` signs with: JWT_SECRET (HS256) or JWT_PRIVATE_KEY_FILE (RS256, ES256). */
export function loadSigningKey(env: NodeJS.ProcessEnv, readFile: ReadFile = readText): JwtSigningKey {
  const algorithm = jwtAlgorithm(env);
  if (algorithm === 'HS256') return { algorithm, secret: hmacSecret(env) };
  return { algorithm, privateKey: pemFile(env, 'JWT_PRIVATE_KEY_FILE', algorithm, 'private', readFile) };
}

/** Whether tokens are checked with the documented development secret (loopback only, see above). */
export function usesDevelopmentSecret(key: JwtVerificationKey): boolean {
  return key.algorithm === 'HS256' && key.secret === DEVELOPMENT_JWT_SECRET;
}

function jwtAlgorithm(env: NodeJS.ProcessEnv): JwtAlgorithm {
  const value = env.JWT_ALGORITHM || 'HS256';
  const algorithm = JWT_ALGORITHMS.find((a) => a === value);
  if (algorithm === undefined)
    throw invalidEnvironment('JWT_ALGORITHM', `one of ${JWT_ALGORITHMS.join(', ')}`, env.JWT_ALGORITHM);
  return algorithm;
}

function hmacSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  // The value is a secret: the message names the variable, never echoes it.
  if (secret.length < MIN_SECRET_LENGTH)
    throw invalidEnvironment(
      'JWT_SECRET',
      `at least ${MIN_SECRET_LENGTH} characters for HS256`,
      `<${secret.length} characters>`,
    );
  return secret;
}

function pemFile(
  env: NodeJS.ProcessEnv,
  name: string,
  algorithm: 'RS256' | 'ES256',
  kind: 'public' | 'private',
  readFile: ReadFile,
): string {
  const path = env[name];
  if (!path) throw invalidEnvironment(name, `the path of a PEM ${kind} key file for ${algorithm}`, undefined);
  let pem: string;
  try {
    pem = readFile(path);
  } catch (error) {
    throw invalidEnvironment(name, `a readable file (${errorMessage(error)})`, path);
  }
  const mismatch = keyMismatch(pem, algorithm, kind);
  if (mismatch)
    throw invalidEnvironment(name, `a ${kind} key file usable with ${algorithm}: ${mismatch}`, path);
  return pem;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw invalidEnvironment(name, 'a whole number of seconds >= 1', raw);
  return value;
}
