import type { IncomingHttpHeaders } from 'node:http';

/**
 * How an attempt at an instance ended before an answer the caller gets: `connect` (never sent),
 * `timeout` (no answer in time), `reset` (the connection broke after sending), `unsendable` (the
 * HTTP client refused to encode it), or `refused`: the instance answered 503 (draining, not
 * ready), so it did not serve the request.
 */
export type AttemptEnd = 'connect' | 'timeout' | 'reset' | 'unsendable' | 'refused';

/** "Retried once on another instance": two attempts per request at most. */
export const MAX_ATTEMPTS = 2;

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Whether sending the request twice is harmless: GET and HEAD by their meaning, any other method
 * when it carries an `Idempotency-Key` (the service answers a repeat with the first outcome, see
 * the orders service's idempotency-keys.ts). A POST without a key may have been applied by an
 * attempt that failed midway: it is never repeated.
 */
export function mayRepeat(method: string, headers: IncomingHttpHeaders): boolean {
  if (SAFE_METHODS.has(method)) return true;
  const key = headers['idempotency-key'];
  return typeof key === 'string' && key.trim() !== '';
}

/**
 * Whether an attempt that ended so goes to another instance (the caller checks there is one and
 * budget left). A request that may be repeated is, after any end but `unsendable` (another
 * instance cannot encode it either); one that may not, never — not even when it was never sent.
 */
export function retriesAfter(end: AttemptEnd, repeatable: boolean, attemptsMade: number): boolean {
  return repeatable && attemptsMade < MAX_ATTEMPTS && end !== 'unsendable';
}
