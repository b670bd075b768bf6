export { CORRELATION_HEADER, correlationIdOf, registerCorrelation } from './correlation.ts';
export { envReader, invalidEnvironment } from './env.ts';
export {
  Counter,
  createMetricsRegistry,
  Gauge,
  Histogram,
  type Registry,
  registerMetrics,
} from './metrics.ts';
export {
  type FieldProblem,
  INTERNAL_ERROR_CODE,
  INVALID_REQUEST_CODE,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  sendProblem,
  toProblem,
} from './problem-details.ts';
export { type HealthOptions, type ReadinessCheck, registerHealth } from './readiness.ts';
export { createServiceApp, type ServiceAppOptions } from './service-app.ts';
export {
  createLogger,
  type ListenOptions,
  type RunningService,
  runService,
  type Stoppable,
} from './service-runtime.ts';
export { conveyorValidatorCompiler } from './validator.ts';
