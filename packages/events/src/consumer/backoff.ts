import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface RetryOptions {
  /** Runs of the handler for one message (the first run included) before it is dead-lettered. @default 5 */
  attempts?: number;
  /** Wait after the first failure; it doubles after each further failure. @default 100 */
  initialBackoffMs?: number;
  /** Upper bound of the wait between two runs. @default 5000 */
  maxBackoffMs?: number;
}

/**
 * The retry policy with its defaults, shared by consumers and projections; a bad value throws
 * what `fail` makes of the problem (the caller's CONVEYOR_INVALID_OPTIONS).
 */
export function compileRetryOptions(
  options: RetryOptions | undefined,
  fail: (problem: string) => Error,
): Required<RetryOptions> {
  const retry = { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 5_000, ...options };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw fail(`retry.attempts must be an integer >= 1, got ${retry.attempts}`);
  }
  if (!Number.isFinite(retry.initialBackoffMs) || retry.initialBackoffMs < 0) {
    throw fail(`retry.initialBackoffMs must be a number >= 0, got ${retry.initialBackoffMs}`);
  }
  if (!Number.isFinite(retry.maxBackoffMs) || retry.maxBackoffMs < retry.initialBackoffMs) {
    throw fail(`retry.maxBackoffMs must be a number >= retry.initialBackoffMs, got ${retry.maxBackoffMs}`);
  }
  return retry;
}

/**
 * The wait after the `failures`-th failed run of a handler: initial, then doubling, capped.
 * No jitter: one consumer works a partition at a time, so there is no herd of retries to spread,
 * and a predictable delay is easier to reason about in logs and tests.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** exponent);
}

/** Waits `ms`; resolves false at once (or early) when the signal is aborted, true otherwise. */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
