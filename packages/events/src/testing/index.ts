export { deciderSpecification } from './decider-specification.ts';
