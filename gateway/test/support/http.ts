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

export { eventually } from '@conveyor/infra-local/testing';
