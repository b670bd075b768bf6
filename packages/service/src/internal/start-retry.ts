/**
 * Whether a failed start failed because the broker or another server could not be reached (it is
 * restarting, or not up yet), so the same start may succeed a moment later. Reads the error and
 * its causes: kafkajs wraps its connection errors (KafkaJSNumberOfRetriesExceeded around
 * KafkaJSConnectionError), pg and fetch carry a `code` such as ECONNREFUSED; kafkajs marks the
 * broker's transient answers (no coordinator yet, leader moving, a broker just back) `retriable`.
 */
export function isUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const name = 'name' in current && typeof current.name === 'string' ? current.name : '';
    const code = 'code' in current && typeof current.code === 'string' ? current.code : '';
    if (UNREACHABLE_NAMES.has(name) || UNREACHABLE_CODES.has(code)) return true;
    if (name.startsWith('KafkaJS') && 'retriable' in current && current.retriable === true) return true;
    current =
      'cause' in current ? current.cause : 'originalError' in current ? current.originalError : undefined;
  }
  return false;
}

const UNREACHABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/** Waits before the next start: 1 s doubling to 15 s. */
export function startRetryDelayMs(attempt: number): number {
  return Math.min(1_000 * 2 ** (attempt - 1), 15_000);
}
