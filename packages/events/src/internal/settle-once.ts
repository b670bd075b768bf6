/** A result settled by whoever comes first: the work's value, its failure, or the timeout's error. */
export interface SettleOnce<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  /** Whether it is settled: later batches are then left alone. */
  readonly settled: boolean;
  /** Stops the timer; call once done, however it ended. */
  clear(): void;
}

export function settleOnce<T>(timeoutMs: number, onTimeout: () => unknown): SettleOnce<T> {
  let settled = false;
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = (value) => {
      settled = true;
      res(value);
    };
    reject = (error) => {
      settled = true;
      rej(error);
    };
  });
  // Observed from the start: a failure while the caller still connects must not become an
  // unhandled rejection.
  promise.catch(() => undefined);
  const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  return {
    promise,
    resolve: (value) => resolve(value),
    reject: (error) => reject(error),
    get settled() {
      return settled;
    },
    clear: () => clearTimeout(timer),
  };
}
