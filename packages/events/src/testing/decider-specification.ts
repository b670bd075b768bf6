import { expect } from 'vitest';
import type { Decider } from '../decider.ts';

/**
 * Given/when/then for deciders, with no I/O:
 *   spec.given([OrderPlaced]).when(CancelOrder).thenEmits([OrderCancelled])
 *   spec.given([]).when(CancelOrder).thenThrows((e) => e.code === 'ORDERS_NOT_FOUND')
 */
export function deciderSpecification<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(history: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
          return {
            thenEmits(expected: E[]): void {
              expect(run()).toEqual(expected);
            },
            thenThrows(check: (error: unknown) => boolean): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown, 'the decider did not throw').toBeDefined();
              expect(check(thrown), `unexpected error: ${String(thrown)}`).toBe(true);
            },
          };
        },
      };
    },
  };
}
