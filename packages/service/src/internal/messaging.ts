import type { Logger } from 'pino';
import { isUnreachable, startRetryDelayMs } from './start-retry.ts';

/** One part of a service that needs the broker or the registry to start: a consumer, the relay. */
export interface MessagingPart {
  /** Named in the log when its start is tried again. */
  readonly name: string;
  /** Rejects when it could not start; it has then let go of what it had connected. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `starting` until every part has started once, then `running`; `stopped` after stop(). */
export type MessagingState = 'starting' | 'running' | 'stopped';

/**
 * The broker side of a service (topics, schemas, relay, projections, consumers), started apart
 * from its HTTP side: a replica restarted while Kafka restarts, or while its groups rebalance
 * under load, serves requests at once (they only write to the database and the outbox) instead
 * of waiting tens of seconds to listen. Parts start in order, each once; a part that failed is
 * tried again from where the sequence stopped, the parts before it keep running.
 */
export class Messaging {
  readonly #parts: readonly MessagingPart[];
  readonly #logger: Logger;
  readonly #started: MessagingPart[] = [];
  #state: MessagingState = 'starting';
  #patient: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(parts: readonly MessagingPart[], logger: Logger) {
    this.#parts = parts;
    this.#logger = logger;
  }

  get state(): MessagingState {
    return this.#state;
  }

  /** Starts the parts not started yet, in order; rejects with the first failure. */
  async start(): Promise<void> {
    for (const part of this.#parts.slice(this.#started.length)) {
      if (this.#state === 'stopped') return;
      await part.start();
      this.#started.push(part);
    }
    if (this.#state === 'starting') this.#state = 'running';
  }

  /**
   * start(), in the background, tried again (1 s doubling to 15 s) for as long as a server
   * cannot be reached: the broker being away delays the service's messages, it never stops the
   * process. Any other failure is `onFatal`'s (main.ts exits).
   */
  startPatiently(onFatal: (error: unknown) => void): void {
    this.#patient ??= (async () => {
      for (let attempt = 1; this.#state === 'starting'; attempt++) {
        try {
          await this.start();
        } catch (error) {
          if (!isUnreachable(error)) {
            onFatal(error);
            return;
          }
          const waitMs = startRetryDelayMs(attempt);
          const part = this.#parts[this.#started.length]?.name;
          this.#logger.warn(
            { err: error, part, attempt, waitMs },
            'messaging could not start yet; trying again',
          );
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, waitMs);
            this.#wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    })();
  }

  /** Cuts a pending retry short, then stops the started parts in reverse order. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    this.#wake?.();
    await this.#patient;
    for (const part of this.#started.splice(0).reverse()) await part.stop();
  }
}
