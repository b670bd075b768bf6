import type { Clock } from './balancer.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe may pass. @default 10000 */
  openMs?: number;
  /**
   * A probe that has not reported within this time is presumed lost (its client went away before
   * the upstream answered) and another may pass, so the circuit cannot stay half-open forever.
   * @default 10000
   */
  probeTimeoutMs?: number;
}

/**
 * One circuit per service. Closed: requests pass; `failureThreshold` failures in a row open it.
 * Open: requests are refused at once for `openMs`. Then half-open: one probe passes at a time; its
 * success closes the circuit, its failure opens it again. Pure: time comes from the clock.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #probeTimeoutMs: number;
  readonly #clock: Clock;
  #open = false;
  #failures = 0;
  #openedAt = 0;
  #probeSince: number | undefined;

  constructor(options: CircuitBreakerOptions, clock: Clock) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#openMs = options.openMs ?? 10_000;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
    this.#clock = clock;
  }

  get state(): CircuitState {
    if (!this.#open) return 'closed';
    return this.#clock() - this.#openedAt >= this.#openMs ? 'half-open' : 'open';
  }

  /** Whether a request may go to the service now; in half-open state this takes the probe slot. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const now = this.#clock();
    if (this.#probeSince !== undefined && now - this.#probeSince < this.#probeTimeoutMs) return false;
    this.#probeSince = now;
    return true;
  }

  /** Any success shows the service answers again: the circuit closes. */
  onSuccess(): void {
    this.#open = false;
    this.#failures = 0;
    this.#probeSince = undefined;
  }

  onFailure(): void {
    const state = this.state;
    // Requests sent before the circuit opened keep failing for a while; they change nothing.
    if (state === 'open') return;
    if (state === 'half-open') {
      this.#trip();
      return;
    }
    this.#failures += 1;
    if (this.#failures >= this.#threshold) this.#trip();
  }

  /**
   * The request that passed was never sent (the gateway could not encode it): it says nothing about
   * the service, so in half-open state another request may probe at once.
   */
  release(): void {
    if (this.state === 'half-open') this.#probeSince = undefined;
  }

  /** Milliseconds until the next probe may pass (0 unless the circuit is open). */
  msUntilProbe(): number {
    return this.state === 'open' ? this.#openMs - (this.#clock() - this.#openedAt) : 0;
  }

  #trip(): void {
    this.#open = true;
    this.#openedAt = this.#clock();
    this.#probeSince = undefined;
  }
}
