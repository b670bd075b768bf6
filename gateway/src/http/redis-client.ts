import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The Redis client of the rate-limit store. Commands fail at once while Redis is unreachable
 * (no offline queue, one retry) instead of waiting for a reconnection, so that during an outage
 * requests pass without a limit (skipOnError) rather than each waiting seconds. State changes are
 * logged once each, not on every reconnection attempt.
 */
export function createRedisClient(url: string, logger?: Pick<Logger, 'info' | 'warn'>): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let reachable: boolean | undefined;
  redis.on('ready', () => {
    if (reachable !== true) logger?.info({ redis: redact(url) }, 'redis connected: rate limits are shared');
    reachable = true;
  });
  redis.on('error', (err) => {
    if (reachable !== false)
      logger?.warn({ err, redis: redact(url) }, 'redis unreachable: rate limits are not enforced');
    reachable = false;
  });
  return redis;
}

/** Resolves when the client is connected, or after `timeoutMs` (the gateway starts anyway). */
export async function untilReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await once(redis, 'ready', { signal });
    return true;
  } catch {
    return false;
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
