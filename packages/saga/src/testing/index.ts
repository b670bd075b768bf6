export { type ExpectedCommand, type SagaEvent, sagaSpecification } from './saga-specification.ts';
