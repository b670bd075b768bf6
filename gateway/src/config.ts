import { readFileSync } from 'node:fs';
import { envReader, invalidEnvironment } from '@conveyor/http';
import {
  DEVELOPMENT_JWT_SECRET,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type JwtSigningKey,
  type JwtVerificationKey,
  keyMismatch,
  MIN_SECRET_LENGTH,
} from './auth/keys.ts';
import {
  DEFAULT_RATE_LIMIT,
  DEFAULT_UPSTREAMS,
  type GatewayConfig,
  gatewayConfig,
  RATE_LIMIT_GROUPS,
  type RateLimitRule,
  SERVICE_NAMES,
  type ServiceName,
} from './options.ts';

type ReadFile = (path: string) => string;
const readText: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * Reads and validates every gateway variable once (README "Configuration" lists them). A bad
 * value throws CONVEYOR_INVALID_ENVIRONMENT naming the variable and what was expected.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv, readFile: ReadFile = readText): GatewayConfig {
  const read = envReader(env);
  const int = integerReader(env);
  const upstreams = Object.fromEntries(
    SERVICE_NAMES.map((service) => [service, upstreamList(env, service)]),
  ) as Record<ServiceName, string[]>;
  const defaultMax = int('RATE_LIMIT_MAX', DEFAULT_RATE_LIMIT.max, 1);
  const defaultWindowMs = int('RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMIT.windowMs, 1);
  const rateLimits = Object.fromEntries(
    RATE_LIMIT_GROUPS.map((group) => {
      const name = `RATE_LIMIT_${group.toUpperCase()}`;
      const rule: RateLimitRule = {
        max: int(`${name}_MAX`, defaultMax, 1),
        windowMs: int(`${name}_WINDOW_MS`, defaultWindowMs, 1),
      };
      return [group, rule];
    }),
  );
  const redisUrl = env.REDIS_URL === undefined || env.REDIS_URL === '' ? undefined : read.url('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:$/.test(new URL(redisUrl).protocol))
    throw invalidEnvironment('REDIS_URL', 'a redis:// or rediss:// URL', env.REDIS_URL);
  return gatewayConfig({
    host: read.string('GATEWAY_HOST', '127.0.0.1'),
    port: read.port('GATEWAY_PORT', 3000),
    jwt: loadVerificationKey(env, readFile),
    upstreams,
    upstreamTimeoutMs: int('UPSTREAM_TIMEOUT_MS', 5_000, 1),
    healthTimeoutMs: int('UPSTREAM_HEALTH_TIMEOUT_MS', 2_000, 1),
    ejectAfterFailures: int('EJECT_AFTER_FAILURES', 3, 1),
    ejectCooldownMs: int('EJECT_COOLDOWN_MS', 10_000, 0),
    breakerFailureThreshold: int('BREAKER_FAILURE_THRESHOLD', 5, 1),
    breakerOpenMs: int('BREAKER_OPEN_MS', 10_000, 0),
    redisUrl,
    rateLimitKeyPrefix: read.string('RATE_LIMIT_KEY_PREFIX', 'conveyor:gateway:rate-limit:'),
    rateLimits,
    bodyLimitBytes: int('GATEWAY_BODY_LIMIT_BYTES', 65_536, 1),
  });
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

/** Whether tokens are checked with the documented development secret (then a demo token is printed). */
export function usesDevelopmentSecret(config: Pick<GatewayConfig, 'jwt'>): boolean {
  return config.jwt.algorithm === 'HS256' && config.jwt.secret === DEVELOPMENT_JWT_SECRET;
}

function jwtAlgorithm(env: NodeJS.ProcessEnv): JwtAlgorithm {
  const value = env.JWT_ALGORITHM || 'HS256';
  if (!(JWT_ALGORITHMS as readonly string[]).includes(value))
    throw invalidEnvironment('JWT_ALGORITHM', `one of ${JWT_ALGORITHMS.join(', ')}`, env.JWT_ALGORITHM);
  return value as JwtAlgorithm;
}

function hmacSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  if (env.NODE_ENV === 'production' && secret === DEVELOPMENT_JWT_SECRET)
    throw invalidEnvironment('JWT_SECRET', 'set to a secret of your own when NODE_ENV=production', undefined);
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
    throw invalidEnvironment(name, `a readable file (${(error as Error).message})`, path);
  }
  const mismatch = keyMismatch(pem, algorithm, kind);
  if (mismatch)
    throw invalidEnvironment(name, `a ${kind} key file usable with ${algorithm}: ${mismatch}`, path);
  return pem;
}

/** Comma-separated http(s) origins; paths are refused because services keep their own paths. */
function upstreamList(env: NodeJS.ProcessEnv, service: ServiceName): string[] {
  const name = `UPSTREAM_${service.toUpperCase()}`;
  const raw = env[name] || DEFAULT_UPSTREAMS[service].join(',');
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((value) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw invalidEnvironment(name, 'comma-separated http(s) base URLs', env[name]);
      }
      if (!/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search)
        throw invalidEnvironment(name, 'comma-separated http(s) base URLs without a path', env[name]);
      return url.origin;
    });
  if (origins.length === 0) throw invalidEnvironment(name, 'at least one http(s) base URL', env[name]);
  return [...new Set(origins)];
}

function integerReader(env: NodeJS.ProcessEnv) {
  return (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min)
      throw invalidEnvironment(name, `an integer >= ${min}`, raw);
    return value;
  };
}
