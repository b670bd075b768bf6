/** Milliseconds since the epoch; injected so that tests drive time. */
export type Clock = () => number;

export interface BalancerOptions {
  /** Consecutive failures that take an instance out of the rotation. @default 3 */
  ejectAfterFailures?: number;
  /**
   * How long an ejected instance gets no traffic unless its readiness probe readmits it sooner
   * (readiness-watch.ts). @default 10000
   */
  ejectCooldownMs?: number;
}

export interface InstanceHealth {
  url: string;
  /** In the rotation now (not ejected, or its cool-down is over). */
  available: boolean;
  consecutiveFailures: number;
  /** When an ejected instance comes back, or null when it is not ejected. */
  ejectedUntil: number | null;
  /** Back from an ejection and not yet proven: one failure ejects it again. */
  onProbation: boolean;
  ejections: number;
}

interface InstanceState {
  url: string;
  consecutiveFailures: number;
  ejectedUntil: number;
  onProbation: boolean;
  ejections: number;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Round robin over a service's instances, each with its own circuit: an instance that fails
 * `ejectAfterFailures` times in a row is ejected (its circuit opens) for `ejectCooldownMs`, or
 * until `readmit` says it is ready again, then comes back on probation (half-open: a single
 * failure ejects it again, a success clears it). The circuit is per instance, not per service, so
 * that one dying replica never refuses traffic its healthy sibling could serve. Pure: time comes
 * from the clock, outcomes from the caller.
 */
export class RoundRobinBalancer {
  readonly #instances: InstanceState[];
  readonly #ejectAfter: number;
  readonly #cooldownMs: number;
  readonly #clock: Clock;
  #next = 0;

  constructor(urls: readonly string[], options: BalancerOptions, clock: Clock) {
    if (urls.length === 0) throw new Error('a balancer needs at least one instance');
    this.#instances = urls.map((url) => ({
      url,
      consecutiveFailures: 0,
      ejectedUntil: 0,
      onProbation: false,
      ejections: 0,
    }));
    this.#ejectAfter = options.ejectAfterFailures ?? 3;
    this.#cooldownMs = options.ejectCooldownMs ?? 10_000;
    this.#clock = clock;
  }

  /**
   * The next available instance after the last one picked, skipping `exclude`. When every
   * instance is ejected (a shared dependency blinked, or overload timed them all out), the one
   * ejected longest ago is tried anyway rather than the request refused (Envoy's panic routing): a
   * dead instance fails at connect and the request moves on, a live one may well answer.
   * Undefined only when every instance is in `exclude`.
   */
  pick(exclude: ReadonlySet<string> = NONE): string | undefined {
    const now = this.#clock();
    const count = this.#instances.length;
    for (let step = 0; step < count; step++) {
      const index = (this.#next + step) % count;
      const instance = this.#instances[index];
      if (!instance || instance.ejectedUntil > now || exclude.has(instance.url)) continue;
      this.#next = (index + 1) % count;
      return instance.url;
    }
    return this.#panicPick(exclude, now);
  }

  /** Whether `pick(exclude)` would find an instance (without moving the rotation on). */
  canPick(exclude: ReadonlySet<string> = NONE): boolean {
    const now = this.#clock();
    const open = this.#instances.filter((i) => !exclude.has(i.url));
    return open.some((i) => i.ejectedUntil <= now) || this.#allEjected(now) ? open.length > 0 : false;
  }

  recordSuccess(url: string): void {
    const instance = this.#find(url);
    if (!instance) return;
    instance.consecutiveFailures = 0;
    instance.onProbation = false;
  }

  /** Counts a failure; returns true when it ejected the instance. */
  recordFailure(url: string): boolean {
    const instance = this.#find(url);
    const now = this.#clock();
    // A request that started before the ejection and failed after it adds nothing.
    if (!instance || instance.ejectedUntil > now) return false;
    instance.consecutiveFailures += 1;
    if (!instance.onProbation && instance.consecutiveFailures < this.#ejectAfter) return false;
    instance.ejectedUntil = now + this.#cooldownMs;
    instance.onProbation = true;
    instance.ejections += 1;
    return true;
  }

  /**
   * Ends an ejection early: the instance answered its readiness probe. It comes back on probation,
   * so the first failure ejects it again. Returns whether it was ejected.
   */
  readmit(url: string): boolean {
    const instance = this.#find(url);
    if (!instance || instance.ejectedUntil <= this.#clock()) return false;
    instance.ejectedUntil = 0;
    instance.consecutiveFailures = 0;
    return true;
  }

  /** The instances out of the rotation now. */
  ejected(): string[] {
    const now = this.#clock();
    return this.#instances.filter((i) => i.ejectedUntil > now).map((i) => i.url);
  }

  /** Milliseconds until the first ejected instance comes back; undefined when one is available. */
  msUntilRecovery(): number | undefined {
    const now = this.#clock();
    if (this.#instances.some((i) => i.ejectedUntil <= now)) return undefined;
    return Math.min(...this.#instances.map((i) => i.ejectedUntil)) - now;
  }

  snapshot(): InstanceHealth[] {
    const now = this.#clock();
    return this.#instances.map((i) => ({
      url: i.url,
      available: i.ejectedUntil <= now,
      consecutiveFailures: i.consecutiveFailures,
      ejectedUntil: i.ejectedUntil > now ? i.ejectedUntil : null,
      onProbation: i.onProbation,
      ejections: i.ejections,
    }));
  }

  #allEjected(now: number): boolean {
    return this.#instances.every((i) => i.ejectedUntil > now);
  }

  #panicPick(exclude: ReadonlySet<string>, now: number): string | undefined {
    if (!this.#allEjected(now)) return undefined;
    const candidates = this.#instances.filter((i) => !exclude.has(i.url));
    candidates.sort((a, b) => a.ejectedUntil - b.ejectedUntil);
    return candidates[0]?.url;
  }

  #find(url: string): InstanceState | undefined {
    return this.#instances.find((i) => i.url === url);
  }
}
