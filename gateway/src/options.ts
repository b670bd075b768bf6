import { DEFAULT_MAX_LIFETIME_SECONDS, DEVELOPMENT_JWT_SECRET, type JwtSettings } from '@conveyor/http';

/** The services behind the gateway; each has one or more instances. */
export const SERVICE_NAMES = ['users', 'orders', 'inventory'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Rate limits are configured per route group; each group counts separately per caller. */
export const RATE_LIMIT_GROUPS = ['users', 'orders', 'products', 'admin'] as const;
export type RateLimitGroup = (typeof RATE_LIMIT_GROUPS)[number];

export interface RateLimitRule {
  /** Requests a caller may make per window. */
  max: number;
  windowMs: number;
}

/** Everything the gateway can be told; each field has its default. */
export interface GatewayOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 3000 */
  port?: number;
  /**
   * How tokens are verified (the services' settings: key, issuer, audience, longest lifetime).
   * @default HS256 with the development secret, no issuer or audience, at most 24 h
   */
  jwt?: JwtSettings;
  /** Base URLs (origins) of each service's instances. @default one local instance per service (3001, 3002, 3003) */
  upstreams?: Partial<Record<ServiceName, string[]>>;
  /** Whole-request budget for the upstream, retries included; past it the answer is 504. @default 5000 */
  upstreamTimeoutMs?: number;
  /**
   * How long the first attempt of a request that may be repeated (GET, HEAD, or with an
   * Idempotency-Key) waits for an answer before it goes to another instance, within
   * `upstreamTimeoutMs`: a frozen instance then delays such a request instead of failing it.
   * @default half of upstreamTimeoutMs
   */
  upstreamAttemptTimeoutMs?: number;
  /**
   * Bulkheads: requests in flight to each service (all its instances) before the next ones are
   * answered 503 GATEWAY_UPSTREAM_BUSY at once. @default 100 for each service
   */
  upstreamMaxInFlight?: Partial<Record<ServiceName, number>>;
  /** Per instance, for /health. @default 2000 */
  healthTimeoutMs?: number;
  /** Consecutive failures that take an instance out of the rotation. @default 3 */
  ejectAfterFailures?: number;
  /**
   * How long an ejected instance gets no traffic unless its /ready readmits it sooner; back, one
   * failure ejects it again. @default 10000
   */
  ejectCooldownMs?: number;
  /** How often an ejected instance is asked for its /ready (readmitted when it answers 2xx). @default 1000 */
  readinessProbeIntervalMs?: number;
  /** Redis for rate-limit counters shared by gateway instances; in-process counters when unset. */
  redisUrl?: string;
  /** Prefix of the Redis keys. @default 'conveyor:gateway:rate-limit:' */
  rateLimitKeyPrefix?: string;
  /** Per route group. @default 100 requests per 60 s for each group */
  rateLimits?: Partial<Record<RateLimitGroup, Partial<RateLimitRule>>>;
  /** Largest request body in bytes; larger is a 413. @default 65536 (the services' limit) */
  bodyLimitBytes?: number;
}

export interface GatewayConfig {
  host: string;
  port: number;
  jwt: JwtSettings;
  upstreams: Record<ServiceName, string[]>;
  upstreamTimeoutMs: number;
  upstreamAttemptTimeoutMs: number;
  upstreamMaxInFlight: Record<ServiceName, number>;
  healthTimeoutMs: number;
  ejectAfterFailures: number;
  ejectCooldownMs: number;
  readinessProbeIntervalMs: number;
  redisUrl: string | undefined;
  rateLimitKeyPrefix: string;
  rateLimits: Record<RateLimitGroup, RateLimitRule>;
  bodyLimitBytes: number;
}

export const DEFAULT_UPSTREAMS: Record<ServiceName, string[]> = {
  users: ['http://127.0.0.1:3001'],
  orders: ['http://127.0.0.1:3002'],
  inventory: ['http://127.0.0.1:3003'],
};

export const DEFAULT_RATE_LIMIT: RateLimitRule = { max: 100, windowMs: 60_000 };

/** Requests in flight to one service; ample for a shop's traffic at tens of ms per request. */
export const DEFAULT_MAX_IN_FLIGHT = 100;

/** Compiles options into a full configuration, once. */
export function gatewayConfig(options: GatewayOptions = {}): GatewayConfig {
  const rule = (group: RateLimitGroup): RateLimitRule => ({
    ...DEFAULT_RATE_LIMIT,
    ...options.rateLimits?.[group],
  });
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 5_000;
  const maxInFlight = (service: ServiceName) =>
    options.upstreamMaxInFlight?.[service] ?? DEFAULT_MAX_IN_FLIGHT;
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 3000,
    jwt: options.jwt ?? {
      key: { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET },
      maxLifetimeSeconds: DEFAULT_MAX_LIFETIME_SECONDS,
    },
    upstreams: { ...DEFAULT_UPSTREAMS, ...options.upstreams },
    upstreamTimeoutMs,
    upstreamAttemptTimeoutMs: options.upstreamAttemptTimeoutMs ?? Math.ceil(upstreamTimeoutMs / 2),
    upstreamMaxInFlight: {
      users: maxInFlight('users'),
      orders: maxInFlight('orders'),
      inventory: maxInFlight('inventory'),
    },
    healthTimeoutMs: options.healthTimeoutMs ?? 2_000,
    ejectAfterFailures: options.ejectAfterFailures ?? 3,
    ejectCooldownMs: options.ejectCooldownMs ?? 10_000,
    readinessProbeIntervalMs: options.readinessProbeIntervalMs ?? 1_000,
    redisUrl: options.redisUrl,
    rateLimitKeyPrefix: options.rateLimitKeyPrefix ?? 'conveyor:gateway:rate-limit:',
    rateLimits: {
      users: rule('users'),
      orders: rule('orders'),
      products: rule('products'),
      admin: rule('admin'),
    },
    bodyLimitBytes: options.bodyLimitBytes ?? 65_536,
  };
}
