import type { Access } from '@conveyor/http';
import httpProxy from '@fastify/http-proxy';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import { registerAdminPage } from './admin/admin-page.ts';
import { routeGuard } from './auth/route-guard.ts';
import { registerRateLimit } from './http/rate-limit.ts';
import { type GatewayConfig, RATE_LIMIT_GROUPS, type RateLimitGroup, type ServiceName } from './options.ts';
import type { Clock } from './upstreams/balancer.ts';
import { forward, sendsBody } from './upstreams/forward.ts';
import type { ServicePools } from './upstreams/service-pool.ts';
import { downstreamHeaders, upstreamHeaders } from './upstreams/upstream-headers.ts';
import type { UpstreamMetrics } from './upstreams/upstream-metrics.ts';

export interface GatewayRoute {
  /** Everything under this path (and the path itself) is proxied. */
  prefix: string;
  /** What the prefix becomes upstream: the services keep their own paths. */
  rewritePrefix: string;
  service: ServiceName;
  access: Access;
  rateLimitGroup: RateLimitGroup;
}

/**
 * The route table. `/api/users/:userId/orders` is served by the orders service; the router picks
 * it over `/api/users/*` because a static segment after a parameter beats a wildcard.
 */
export const GATEWAY_ROUTES: readonly GatewayRoute[] = [
  {
    prefix: '/api/users',
    rewritePrefix: '/users',
    service: 'users',
    access: 'user',
    rateLimitGroup: 'users',
  },
  {
    prefix: '/api/users/:userId/orders',
    rewritePrefix: '/users/:userId/orders',
    service: 'orders',
    access: 'user',
    rateLimitGroup: 'orders',
  },
  {
    prefix: '/api/orders',
    rewritePrefix: '/orders',
    service: 'orders',
    access: 'user',
    rateLimitGroup: 'orders',
  },
  {
    prefix: '/api/products',
    rewritePrefix: '/products',
    service: 'inventory',
    access: 'public',
    rateLimitGroup: 'products',
  },
  {
    prefix: '/admin/sagas',
    rewritePrefix: '/admin/sagas',
    service: 'orders',
    access: { role: 'admin' },
    rateLimitGroup: 'admin',
  },
  // Each service's own admin API (messages, projections, dead letters) under its name.
  ...(['users', 'orders', 'inventory'] as const).map(
    (service): GatewayRoute => ({
      prefix: `/admin/${service}`,
      rewritePrefix: '/admin',
      service,
      access: { role: 'admin' },
      rateLimitGroup: 'admin',
    }),
  ),
];

export interface RoutesContext {
  config: GatewayConfig;
  pools: ServicePools;
  metrics: UpstreamMetrics;
  clock: Clock;
  redis: Redis | undefined;
  /** Zipkin's base URL when tracing is on, for the admin page's trace links. */
  zipkinUrl?: string;
  /** onRequest: verifies the bearer token, if any (auth/jwt-auth.ts). */
  authenticate: onRequestAsyncHookHandler;
}

// Connecting is quick on a healthy network; a dead host should not eat the whole request budget.
const MAX_CONNECT_TIMEOUT_MS = 2_000;

/**
 * One encapsulated scope per rate-limit group, and in it one per route. Hooks run in this order:
 * correlation id (root), `authenticate`, the group's rate limit, the route guard (preParsing), body
 * parsing (413/400), then `forward`.
 */
export async function registerRoutes(app: FastifyInstance, context: RoutesContext): Promise<void> {
  registerAdminPage(app, context.zipkinUrl === undefined ? {} : { zipkinUrl: context.zipkinUrl });
  for (const group of RATE_LIMIT_GROUPS) {
    await app.register(async (scope) => {
      scope.addHook('onRequest', context.authenticate);
      await registerRateLimit(scope, {
        group,
        rule: context.config.rateLimits[group],
        redis: context.redis,
        keyPrefix: context.config.rateLimitKeyPrefix,
        onLimited: context.metrics.rateLimited,
      });
      for (const route of GATEWAY_ROUTES.filter((r) => r.rateLimitGroup === group))
        await scope.register(async (routeScope) => proxyRoute(routeScope, route, context));
    });
  }
}

/**
 * @fastify/http-proxy gives the routing and the path rewriting (prefix → rewritePrefix, traversal
 * refused) and runs @fastify/reply-from. It proxies to one upstream; for several instances with
 * ejection, a circuit and retries on the next instance, its `handler` hands each request to
 * `forward`, which calls `reply.from` once per attempt with the instance it picked. (Its
 * `getUpstream` alone cannot do this: it is asked once per request and never hears the outcome.)
 */
async function proxyRoute(scope: FastifyInstance, route: GatewayRoute, context: RoutesContext) {
  const { config, pools, metrics, clock } = context;
  const pool = pools[route.service];
  scope.addHook('preParsing', routeGuard(route.access));
  await scope.register(httpProxy, {
    upstream: '',
    prefix: route.prefix,
    rewritePrefix: route.rewritePrefix,
    // Leave bodies to the gateway's parsers (body-parsers.ts) instead of streaming them through.
    proxyPayloads: false,
    disableRequestLogging: true,
    destroyAgent: true,
    undici: { connect: { timeout: Math.min(MAX_CONNECT_TIMEOUT_MS, config.upstreamTimeoutMs) } },
    replyOptions: {
      // Only for http-proxy's check that the rewritten path stays under rewritePrefix: every
      // attempt in `forward` overrides it with the instance it picked.
      getUpstream: () => pool.urls[0] as string,
      rewriteRequestHeaders: (request, headers) => upstreamHeaders(request, headers, sendsBody(request)),
      rewriteHeaders: (headers, request) =>
        request ? downstreamHeaders(headers, request.correlationId) : headers,
    },
    handler: (request, reply, dest, options) =>
      forward(
        {
          pool,
          timeoutMs: config.upstreamTimeoutMs,
          attemptTimeoutMs: config.upstreamAttemptTimeoutMs,
          clock,
          metrics,
        },
        request,
        reply,
        dest,
        options,
      ),
  });
}
