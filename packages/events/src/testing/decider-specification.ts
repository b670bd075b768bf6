import { expect } from 'vitest';
import type { Decider } from '../decider.ts';
import { expectThrows } from './expect-throws.ts';

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
              expectThrows(run, check, 'the decider');
            },
          };
        },
      };
    },
  };
}
