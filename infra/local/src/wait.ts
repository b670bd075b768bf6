import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked between attempts: a reason to give up early (the process died). */
  abortReason?: () => string | undefined;
}

export type WaitResult = { ok: true } | { ok: false; reason: string };

/** Polls `probe` until it resolves true, the deadline passes, or `abortReason` gives a reason. */
export async function waitUntil(probe: () => Promise<boolean>, options: WaitOptions): Promise<WaitResult> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      if (await probe()) return { ok: true };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    const abort = options.abortReason?.();
    if (abort) return { ok: false, reason: abort };
    await sleep(options.intervalMs ?? 500);
  }
  return { ok: false, reason: `did not answer within ${options.timeoutMs / 1000} s (last: ${lastError})` };
}

/** True when a GET of `url` answers 2xx within `timeoutMs`; false on any other answer or none. */
export async function answersGet(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}
