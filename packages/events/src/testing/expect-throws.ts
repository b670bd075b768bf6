import { expect } from 'vitest';

/**
 * Asserts that `run` throws an error `check` accepts; `subject` names what should have thrown in
 * the failure message. The given/when/then helpers (deciders, sagas) share it.
 */
export function expectThrows(run: () => unknown, check: (error: unknown) => boolean, subject: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${subject} did not throw`).toBeDefined();
  expect(check(thrown), `unexpected error: ${String(thrown)}`).toBe(true);
}
