export { deciderSpecification } from './decider-specification.ts';
export { expectThrows } from './expect-throws.ts';
