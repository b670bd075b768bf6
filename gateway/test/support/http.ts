export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  ms: number;
}

/** One request; the body parsed as JSON when it is JSON, else the text. */
export async function call<T = Record<string, unknown>>(
  base: string,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const began = performance.now();
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const body = (type.includes('json') && text !== '' ? JSON.parse(text) : text) as T;
  return { status: response.status, headers: response.headers, body, ms: performance.now() - began };
}

/** Polls until the check returns something, or fails with the last error after the timeout. */
export async function eventually<T>(
  description: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${description}${last ? `: ${String(last)}` : ''}`,
  );
}
