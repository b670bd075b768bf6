/**
 * How long a step's reply takes now, per step name, estimated as TCP estimates its retransmission
 * timeout (RFC 6298): a smoothed time and its variation, from the time between a command's first
 * send and its reply. A resend sooner than that is almost always spurious: the command is waiting
 * in the participant's partition behind others, and a second copy only lengthens that queue (under
 * load half the orchestrator's sends were such resends). The estimate only delays resends: the
 * step's deadline still decides when waiting ends.
 */
export class ReplyTimeEstimator {
  readonly #estimates = new Map<string, { smoothedMs: number; variationMs: number }>();
  readonly #maxMs: number;

  /** `maxMs` bounds the estimate, so one pathological reply cannot silence resends for long. */
  constructor(maxMs: number) {
    this.#maxMs = maxMs;
  }

  /** A reply to `step`'s command, `ms` after the command was first sent. */
  observe(step: string, ms: number): void {
    const sample = Math.min(Math.max(0, ms), this.#maxMs);
    const known = this.#estimates.get(step);
    if (!known) {
      this.#estimates.set(step, { smoothedMs: sample, variationMs: sample / 2 });
      return;
    }
    known.variationMs = 0.75 * known.variationMs + 0.25 * Math.abs(known.smoothedMs - sample);
    known.smoothedMs = 0.875 * known.smoothedMs + 0.125 * sample;
  }

  /** No resend of `step` before this many ms after a send; undefined before its first reply. */
  expectedMs(step: string): number | undefined {
    const known = this.#estimates.get(step);
    if (!known) return undefined;
    return Math.min(Math.round(known.smoothedMs + 4 * known.variationMs), this.#maxMs);
  }
}
