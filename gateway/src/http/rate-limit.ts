import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { rateLimited } from '../errors.ts';
import type { RateLimitGroup, RateLimitRule } from '../options.ts';

export interface RateLimitOptions {
  group: RateLimitGroup;
  rule: RateLimitRule;
  /** Shared counters (several gateway instances); in-process counters without it. */
  redis: Redis | undefined;
  keyPrefix: string;
  onLimited: (group: RateLimitGroup) => void;
}

/** Per verified user, else per client IP: a token someone merely sent identifies no one. */
export function rateLimitKey(request: FastifyRequest): string {
  return request.identity ? `user:${request.identity.userId}` : `ip:${request.ip}`;
}

/**
 * Limits every route of a group together (registered in the group's scope, so `/api/orders` and
 * `/api/users/:id/orders` share one count), keyed as `<prefix><group>:user:<id>` or `...:ip:<ip>`.
 * Runs as an onRequest hook after `authenticate`. When Redis cannot be reached the request passes
 * (skipOnError): losing the limit for a while is better than refusing all traffic.
 */
export async function registerRateLimit(scope: FastifyInstance, options: RateLimitOptions): Promise<void> {
  const { group, rule } = options;
  await scope.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: rule.max,
    timeWindow: rule.windowMs,
    nameSpace: `${options.keyPrefix}${group}:`,
    ...(options.redis ? { redis: options.redis } : {}),
    skipOnError: true,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) => {
      options.onLimited(group);
      return rateLimited(context.max, rule.windowMs, Math.max(1, Math.ceil(context.ttl / 1000)));
    },
  });
}
