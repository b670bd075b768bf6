import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  /** Asks again now (after an action). */
  refresh(): void;
}

/**
 * Loads now and again every `everyMs` while the page shows it (live counts, a running rebuild);
 * `everyMs` 0 loads once. A 401 tells the app to show the sign-in.
 */
export function usePolling<T>(load: () => Promise<T>, deps: unknown[], everyMs = 0): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  // The caller's deps decide when to reload; `load` is read through a ref so a new closure alone does not.
  useEffect(() => {
    let live = true;
    const run = () =>
      loadRef.current().then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(undefined);
        },
        (failure: unknown) => {
          if (!live) return;
          if (failure instanceof ApiError && failure.status === 401)
            window.dispatchEvent(new Event('conveyor:unauthorized'));
          setError(failure instanceof Error ? failure : new Error(String(failure)));
        },
      );
    void run();
    const timer = everyMs > 0 ? setInterval(run, everyMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [...deps, tick, everyMs]);
  return { data, error, refresh };
}
