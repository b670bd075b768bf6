/**
 * At most `limit` requests in flight to one service, counted over all its instances. The next one
 * is refused at once instead of queued: a frozen or slow service then holds `limit` of the
 * gateway's sockets and no more, and the routes of the other services keep answering. Pure.
 */
export class Bulkhead {
  readonly limit: number;
  #inFlight = 0;

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new Error(`a bulkhead needs a limit that is an integer >= 1, got ${limit}`);
    this.limit = limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes a place if one is free; the caller calls `release` exactly once when it got one. */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.limit) return false;
    this.#inFlight += 1;
    return true;
  }

  release(): void {
    if (this.#inFlight > 0) this.#inFlight -= 1;
  }
}
