import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
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
