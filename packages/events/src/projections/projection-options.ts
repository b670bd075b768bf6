import type { RetryOptions } from '../consumer/backoff.ts';
import type { DeadLetterHook } from '../dead-letters/dead-letter-hooks.ts';

/** How projections treat a message they cannot decode or apply: hosts, runners and rebuilds alike. */
export interface PoisonMessageOptions {
  /**
   * Runs of a handler that keeps throwing for one message (the first run included), with backoff
   * in between, before the message is dead-lettered and the projection moves on. A message that
   * cannot be decoded is dead-lettered at once: the same bytes fail the same way every time.
   * @default { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 5000 }
   */
  retry?: RetryOptions;
  /**
   * Called for each dead letter once Kafka has it, e.g. `deadLetterCounter(registry)` from
   * @conveyor/http. @default none
   */
  onDeadLetter?: DeadLetterHook;
}

/** The poison-message options a host or a rebuild hands on to its runner (only those it was given). */
export function poisonMessageOptions({ retry, onDeadLetter }: PoisonMessageOptions): PoisonMessageOptions {
  return { ...(retry ? { retry } : {}), ...(onDeadLetter ? { onDeadLetter } : {}) };
}
