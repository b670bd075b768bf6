import { envReader, invalidEnvironment, loadJwtSettings } from '@conveyor/http';
import {
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_RATE_LIMIT,
  DEFAULT_UPSTREAMS,
  type GatewayConfig,
  gatewayConfig,
  RATE_LIMIT_GROUPS,
  type RateLimitRule,
  SERVICE_NAMES,
  type ServiceName,
} from './options.ts';

/** Reads a key file; tests pass their own. @default fs.readFileSync(path, 'utf8') */
type ReadFile = (path: string) => string;

/**
 * Reads and validates every gateway variable once (README "Configuration" lists them). A bad
 * value throws CONVEYOR_INVALID_ENVIRONMENT naming the variable and what was expected; so does the
 * development secret on a host other than loopback, or with NODE_ENV=production.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv, readFile?: ReadFile): GatewayConfig {
  const read = envReader(env);
  const int = integerReader(env);
  const upstreams: Record<ServiceName, string[]> = {
    users: upstreamList(env, 'users'),
    orders: upstreamList(env, 'orders'),
    inventory: upstreamList(env, 'inventory'),
  };
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
  const defaultMaxInFlight = int('UPSTREAM_MAX_IN_FLIGHT', DEFAULT_MAX_IN_FLIGHT, 1);
  const upstreamMaxInFlight = Object.fromEntries(
    SERVICE_NAMES.map((service) => [
      service,
      int(`UPSTREAM_${service.toUpperCase()}_MAX_IN_FLIGHT`, defaultMaxInFlight, 1),
    ]),
  );
  const upstreamTimeoutMs = int('UPSTREAM_TIMEOUT_MS', 5_000, 1);
  const attemptTimeoutMs = optionalInt(env, 'UPSTREAM_ATTEMPT_TIMEOUT_MS', 1);
  const redisUrl = env.REDIS_URL === undefined || env.REDIS_URL === '' ? undefined : read.url('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:$/.test(new URL(redisUrl).protocol))
    throw invalidEnvironment('REDIS_URL', 'a redis:// or rediss:// URL', env.REDIS_URL);
  const host = read.string('GATEWAY_HOST', '127.0.0.1');
  return gatewayConfig({
    host,
    port: read.port('GATEWAY_PORT', 3000),
    jwt: loadJwtSettings(env, { host }, readFile),
    upstreams,
    upstreamTimeoutMs,
    ...(attemptTimeoutMs === undefined ? {} : { upstreamAttemptTimeoutMs: attemptTimeoutMs }),
    upstreamMaxInFlight,
    healthTimeoutMs: int('UPSTREAM_HEALTH_TIMEOUT_MS', 2_000, 1),
    ejectAfterFailures: int('EJECT_AFTER_FAILURES', 3, 1),
    ejectCooldownMs: int('EJECT_COOLDOWN_MS', 10_000, 0),
    readinessProbeIntervalMs: int('READINESS_PROBE_INTERVAL_MS', 1_000, 50),
    redisUrl,
    rateLimitKeyPrefix: read.string('RATE_LIMIT_KEY_PREFIX', 'conveyor:gateway:rate-limit:'),
    rateLimits,
    bodyLimitBytes: int('GATEWAY_BODY_LIMIT_BYTES', 65_536, 1),
  });
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
  return (name: string, fallback: number, min: number): number => optionalInt(env, name, min) ?? fallback;
}

/** The variable as an integer >= min, or undefined when it is unset or empty. */
function optionalInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min)
    throw invalidEnvironment(name, `an integer >= ${min}`, raw);
  return value;
}
